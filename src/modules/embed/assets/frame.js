// The iframe page's only script: tells the embedding page how tall the content is, whenever it
// changes, as { type: 'gospubliki:resize', height } (the page sets the iframe's height).
(() => {
  if (window.parent === window) return;
  let last = 0;
  const send = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'gospubliki:resize', height }, '*');
  };
  new ResizeObserver(send).observe(document.documentElement);
  window.addEventListener('load', send);
})();
