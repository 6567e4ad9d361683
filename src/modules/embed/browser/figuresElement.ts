import { html, LitElement, nothing, svg } from 'lit';
import { codeList } from '../attributes.js';
import { langOf } from '../format.js';
import { SPARKLINE } from '../sparkline.js';
import { figuresView } from '../view.js';
import { GROWTH_DAYS, WORDS } from '../words.js';
import { API_ORIGIN, type FiguresRequest, type FiguresResult, fetchFigures, followFigures, type LiveStats } from './api.js';
import { styles } from './styles.js';

type State = { kind: 'loading' } | FiguresResult;

/**
 * `<gospubliki-figures territory="17000000" platforms="VK,OK" sectors="education" theme="dark" lang="en">`:
 * a territory's subscriber figures in a shadow root. One GET per change of territory, platforms or
 * sectors; a readable state while loading and when anything fails; nothing ever thrown into the page.
 */
export class GospublikiFigures extends LitElement {
  static override properties = {
    territory: { type: String },
    platforms: { type: String },
    sectors: { type: String },
    theme: { type: String, reflect: true },
    locale: { type: String, attribute: 'lang' },
    live: { type: Boolean },
    state: { state: true },
  };

  static override styles = styles;

  declare territory: string | null;
  declare platforms: string | null;
  declare sectors: string | null;
  declare theme: string | null;
  declare locale: string | null;
  declare live: boolean;
  declare state: State;

  private controller: AbortController | undefined;
  private unfollow: (() => void) | undefined;

  constructor() {
    super();
    this.territory = null;
    this.platforms = null;
    this.sectors = null;
    this.theme = null;
    this.locale = null;
    this.live = false;
    this.state = { kind: 'loading' };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Put back in the page after a removal: follow again (the figures themselves were kept).
    if (this.state.kind === 'figures') this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
    this.stopFollowing();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('territory') || changed.has('platforms') || changed.has('sectors')) this.load();
    else if (changed.has('live')) this.follow();
  }

  private request(): FiguresRequest {
    return { code: (this.territory ?? '').trim(), platforms: codeList(this.platforms), sectors: codeList(this.sectors) };
  }

  private stopFollowing(): void {
    this.unfollow?.();
    this.unfollow = undefined;
  }

  /**
   * With `live`: follows `figuresChanged`. Each event's stats replace the shown ones at once (only
   * the changed text nodes are touched: no flicker), then growth and history are read again in the
   * background (past the browser's cache) and swapped in when they arrive.
   */
  private follow(): void {
    this.stopFollowing();
    if (!this.live || !this.isConnected || this.state.kind !== 'figures') return;
    const request = this.request();
    const controller = this.controller;
    this.unfollow = followFigures(request, (stats: LiveStats) => {
      if (this.state.kind !== 'figures' || controller?.signal.aborted) return;
      this.state = { kind: 'figures', data: { ...this.state.data, stats } };
      if (!controller) return;
      void fetchFigures(request, GROWTH_DAYS, controller.signal, true).then((result) => {
        if (result.kind === 'figures' && !controller.signal.aborted) this.state = result;
      });
    });
  }

  private load(): void {
    this.controller?.abort();
    this.stopFollowing();
    const controller = new AbortController();
    this.controller = controller;
    const request = this.request();
    if (!request.code) {
      this.state = { kind: 'invalid', message: 'territory=""' };
      return;
    }
    this.state = { kind: 'loading' };
    fetchFigures(request, GROWTH_DAYS, controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        this.state = result;
        this.follow();
      },
      () => {
        if (!controller.signal.aborted) this.state = { kind: 'failed' };
      },
    );
  }

  protected override render() {
    try {
      return this.renderState();
    } catch {
      return this.message(WORDS[langOf(this.locale)].failed, 'alert');
    }
  }

  private message(text: string, role: 'status' | 'alert') {
    return html`<div class="card" part="card"><p class="message" role=${role}>${text}</p></div>`;
  }

  private renderState() {
    const lang = langOf(this.locale);
    const words = WORDS[lang];
    const state = this.state;
    if (state.kind === 'loading') return html`<div class="card" part="card" aria-busy="true"><p class="message" role="status">${words.loading}</p></div>`;
    if (state.kind === 'unknown') return this.message(words.unknown((this.territory ?? '').trim()), 'alert');
    if (state.kind === 'invalid') return this.message(`${words.badInput} ${state.message}`, 'alert');
    if (state.kind === 'failed') return this.message(words.failed, 'alert');
    const view = figuresView(state.data, lang);
    const { width, height } = SPARKLINE;
    return html`<section class="card" part="card" lang=${lang} aria-label=${view.name}>
      <h2 class="name">${view.name}</h2>
      <p class="total" aria-live=${this.live ? 'polite' : nothing}><span class="number">${view.total}</span> <span class="unit">${view.unit}</span></p>
      <p class="growth ${view.trend}">${view.growth}</p>
      <p class="coverage">${view.coverage}</p>
      <h3>${view.byPlatformTitle}</h3>
      <ul class="platforms">
        ${view.platforms.map((p) => html`<li><span class="platform">${p.name}</span> <span class="value" title=${p.full}>${p.value}</span></li>`)}
      </ul>
      ${
        view.history.items.length
          ? html`<figure class="history">
              <svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label=${view.history.label}>
                ${svg`<title>${view.history.label}</title><polyline points=${view.history.points} fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"></polyline>`}
              </svg>
              <figcaption class="visually-hidden">${view.history.title}<ul>${view.history.items.map((item) => html`<li>${item.date}: ${item.value}</li>`)}</ul></figcaption>
            </figure>`
          : nothing
      }
      <p class="source"><a href="${API_ORIGIN}/" target="_blank" rel="noopener">${view.source}</a></p>
    </section>`;
  }
}
