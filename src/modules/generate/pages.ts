/** Decides which platforms an organisation is on and builds its pages. */
import { PageIds } from './identifiers.js';
import type { OrganisationKind, Page, PageStatus, Platform } from './model.js';
import type { Random } from './random.js';

/** How organisations are spread over platforms; a scale may give its own (see scales.ts). */
export interface PageMix {
  /** Share of organisations with a page on each platform (given they have any page). */
  platformShare: Readonly<Record<Platform, number>>;
  /** Audience of a platform relative to VK. */
  platformReach: Readonly<Record<Platform, number>>;
  /** Organisations without any page, by kind (administrations are obliged to have one). */
  noPageShare: Readonly<Record<OrganisationKind, number>>;
  /** Chance of each further extra page on a platform already used (a museum's or parents' community…): geometric. */
  extraPageChance: number;
}

export const DEFAULT_PAGE_MIX: PageMix = {
  platformShare: { VK: 0.95, OK: 0.55, TELEGRAM: 0.45, MAX: 0.25 },
  platformReach: { VK: 1, OK: 0.45, TELEGRAM: 0.35, MAX: 0.25 },
  noPageShare: { AUTHORITY: 0.01, INSTITUTION: 0.09, OTHER: 0.15 },
  extraPageChance: 0.34,
};
const VERIFIED_SHARE: Readonly<Record<OrganisationKind, number>> = { AUTHORITY: 0.85, INSTITUTION: 0.57, OTHER: 0.3 };
const ARCHIVED_SHARE = 0.03;
const EXTRA_PAGE_REACH = 0.3;
const EXTRA_PAGE_TOPICS = ['Новости', 'Родителям', 'Музей', 'Волонтёры', 'Пресс-центр', 'Спортивный клуб', 'Библиотека'];
/** Spread of one organisation's audience around its median, and of each page around that. */
const ORGANISATION_SIGMA = 0.6;
const PAGE_SIGMA = 0.35;

/** What pages need to know about their owner. */
export interface PageOwner {
  name: string;
  kind: OrganisationKind;
  /** Latin slug for Telegram and MAX ids. */
  slug: string;
  /** Median VK audience. */
  reach: number;
}

export function pageUrl(platform: Platform, externalId: string): string {
  switch (platform) {
    case 'VK':
      return `https://vk.com/${externalId}`;
    case 'OK':
      return `https://ok.ru/group/${externalId}`;
    case 'TELEGRAM':
      return `https://t.me/${externalId}`;
    case 'MAX':
      return `https://max.ru/${externalId}`;
  }
}

export class PageFactory {
  private seq = 0;
  private readonly ids: PageIds;

  constructor(
    rng: Random,
    private readonly mix: PageMix = DEFAULT_PAGE_MIX,
  ) {
    this.ids = new PageIds(rng);
  }

  /** Pages of one organisation (possibly none). */
  pagesFor(owner: PageOwner, rng: Random): Page[] {
    const { platformShare, platformReach, noPageShare, extraPageChance } = this.mix;
    if (rng.chance(noPageShare[owner.kind])) return [];
    const platforms = (Object.keys(platformShare) as Platform[]).filter((p) => rng.chance(platformShare[p]));
    if (platforms.length === 0) platforms.push('VK');
    const audience = owner.reach * rng.logNormal(ORGANISATION_SIGMA);
    const pages = platforms.map((platform) => this.page(owner, platform, owner.name, audience * platformReach[platform], rng));
    while (rng.chance(extraPageChance)) {
      const others = platforms.filter((p) => p !== 'VK');
      const platform: Platform =
        platforms.includes('VK') && (others.length === 0 || rng.chance(0.8)) ? 'VK' : (others[rng.int(0, others.length - 1)] as Platform);
      const topic = EXTRA_PAGE_TOPICS[rng.int(0, EXTRA_PAGE_TOPICS.length - 1)] as string;
      const reach = audience * platformReach[platform] * EXTRA_PAGE_REACH;
      pages.push(this.page(owner, platform, `${owner.name} — ${topic}`, reach, rng));
    }
    return pages;
  }

  private page(owner: PageOwner, platform: Platform, name: string, reach: number, rng: Random): Page {
    const externalId = this.externalId(platform, owner.slug, rng);
    const status: PageStatus = rng.chance(ARCHIVED_SHARE) ? 'ARCHIVED' : 'ACTIVE';
    return {
      seq: this.seq++,
      platform,
      externalId,
      url: pageUrl(platform, externalId),
      name,
      verified: rng.chance(VERIFIED_SHARE[owner.kind]),
      status,
      reach: reach * rng.logNormal(PAGE_SIGMA),
    };
  }

  private externalId(platform: Platform, slug: string, rng: Random): string {
    switch (platform) {
      case 'VK':
        return this.ids.vkId();
      case 'OK':
        return this.ids.okId(rng);
      case 'TELEGRAM':
        return this.ids.telegramId(slug);
      case 'MAX':
        return this.ids.maxId(slug);
    }
  }
}
