// The iframe page's only script: tells the embedding page how tall the content is, whenever it
// changes, as { type: 'gospubliki:resize', height } (the page sets the iframe's height). A page
// whose listener starts after the iframe has loaded asks again with { type: 'gospubliki:measure' }.
(() => {
  if (window.parent === window) return;
  let last = 0;
  const measure = () => Math.ceil(document.documentElement.getBoundingClientRect().height);
  const post = (height) => window.parent.postMessage({ type: 'gospubliki:resize', height }, '*');
  const send = () => {
    const height = measure();
    if (height === last) return;
    last = height;
    post(height);
  };
  new ResizeObserver(send).observe(document.documentElement);
  window.addEventListener('load', send);
  window.addEventListener('message', (event) => {
    if (event.source === window.parent && event.data?.type === 'gospubliki:measure') post(measure());
  });
})();
