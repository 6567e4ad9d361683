/**
 * Identifiers that must be unique and look real: INN/OGRN of organisations and
 * page ids per platform. Uniqueness comes from counters passed through an affine
 * bijection (a·i + b mod m, gcd(a, m) = 1), which scrambles them into random-looking digits.
 */
import { inn10CheckDigit, ogrnCheckDigit } from '../organisation/identifiers.js';
import type { Random } from './random.js';

/** A bijection of [0, modulus) that makes sequential counters look random. */
class Scrambler {
  constructor(
    private readonly multiplier: number,
    private readonly offset: number,
    readonly modulus: number,
  ) {}

  apply(counter: number): number {
    if (counter >= this.modulus) throw new Error(`counter ${counter} exceeds ${this.modulus}`);
    return (this.multiplier * counter + this.offset) % this.modulus;
  }
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** INN (10 digits) and OGRN (13 digits) of a region's legal entities, unique within the load. */
export class RegistryNumbers {
  private counter = 0;
  private readonly innSerial: Scrambler;
  private readonly ogrnSerial: Scrambler;

  /** regionNumber: 1..99, unique per region, used as the two-digit region prefix. */
  constructor(
    private readonly regionNumber: number,
    rng: Random,
  ) {
    this.innSerial = new Scrambler(7_654_321, rng.int(0, 9_999_999), 10_000_000);
    this.ogrnSerial = new Scrambler(3_141_593, rng.int(0, 9_999_999), 10_000_000);
  }

  next(rng: Random): { inn: string; ogrn: string } {
    const i = this.counter++;
    const region = pad(this.regionNumber, 2);
    const innBody = region + pad(this.innSerial.apply(i), 7);
    const sign = rng.chance(0.8) ? '1' : '5';
    const year = pad(rng.int(2, 24), 2);
    const ogrnBody = sign + year + region + pad(this.ogrnSerial.apply(i), 7);
    return {
      inn: innBody + inn10CheckDigit(innBody),
      ogrn: ogrnBody + ogrnCheckDigit(ogrnBody),
    };
  }
}

/** Page ids per platform: VK "club123456789", OK a 14-digit group id (5…), Telegram/MAX "<slug>_<n>". */
export class PageIds {
  private readonly vk: Scrambler;
  private readonly ok: Scrambler;
  private vkCount = 0;
  private okCount = 0;
  private telegramCount = 0;
  private maxCount = 0;

  constructor(rng: Random) {
    this.vk = new Scrambler(556_250_003, rng.int(0, 899_999_999), 900_000_000);
    this.ok = new Scrambler(556_250_003, rng.int(0, 899_999_999), 900_000_000);
  }

  vkId(): string {
    return `club${100_000_000 + this.vk.apply(this.vkCount++)}`;
  }

  /** 14 digits: a unique scrambled 9-digit part, then 4 free digits. */
  okId(rng: Random): string {
    return String(50_000_000_000_000 + this.ok.apply(this.okCount++) * 10_000 + rng.int(0, 9_999));
  }

  telegramId(slug: string): string {
    return `${slug}_${++this.telegramCount}`;
  }

  maxId(slug: string): string {
    return `${slug}_${++this.maxCount}`;
  }
}
