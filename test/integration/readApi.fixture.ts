import type pg from 'pg';
import { expect } from 'vitest';
import { importFolder } from '../../src/services/import/importFolder.js';
import { SECTORS, csv, writeLoad } from '../helpers/loads.js';

/**
 * The read API tests' data: a small real-shaped tree with organisations, pages and
 * observations, loaded through the import path.
 *
 *   RU Российская Федерация
 *   └ FD-CENTRAL Центральный федеральный округ
 *     ├ 17000000 Владимирская область
 *     │ ├ 17646000 Петушинский муниципальный район
 *     │ │ ├ 17646101 Город Петушки ── 17646101001 Петушки (locality)
 *     │ │ └ 17646404 Ёлкинское сельское поселение
 *     │ └ 17701000 город Владимир
 *     └ 29000000 Калужская область
 */
export const TREE = csv('code,parent_code,level,name', [
  ['RU', null, 'FEDERATION', 'Российская Федерация'],
  ['FD-CENTRAL', 'RU', 'FEDERAL_DISTRICT', 'Центральный федеральный округ'],
  ['17000000', 'FD-CENTRAL', 'REGION', 'Владимирская область'],
  ['29000000', 'FD-CENTRAL', 'REGION', 'Калужская область'],
  ['17646000', '17000000', 'MUNICIPAL_DISTRICT', 'Петушинский муниципальный район'],
  ['17646101', '17646000', 'URBAN_SETTLEMENT', 'Город Петушки'],
  ['17646101001', '17646101', 'LOCALITY', 'Петушки'],
  ['17646404', '17646000', 'RURAL_SETTLEMENT', 'Ёлкинское сельское поселение'],
  ['17701000', '17000000', 'URBAN_OKRUG', 'город Владимир'],
]);

/** A valid 10-digit INN (check digit verified by the import). */
export const ADMIN_INN = '3301010103';

export const ORGANISATIONS = csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
  ['admin-17', 'Администрация Владимирской области', 'AUTHORITY', '17000000', 'administration', ADMIN_INN, null],
  ['admin-17646', 'Администрация Петушинского района', 'AUTHORITY', '17646000', 'administration', null, null],
  ['school-petushki-1', 'МБОУ СОШ №1 г. Петушки', 'INSTITUTION', '17646101', 'education', null, null],
  ['library-petushki', 'Петушинская библиотека', 'INSTITUTION', '17646101', 'culture', null, null],
  ['club-elkino', 'Ёлкинский дом культуры', 'INSTITUTION', '17646404', 'culture', null, null],
  ['school-vladimir-1', 'Школа №1 города Владимира', 'INSTITUTION', '17701000', 'education', null, null],
  ['museum-kaluga', 'Калужский музей', 'OTHER', '29000000', 'culture', null, null],
]);

export const PAGES = csv('platform,external_id,organisation_external_id,url,name,verified,status', [
  ['VK', 'adm33', 'admin-17', 'https://vk.com/adm33', 'Администрация области', 'true', 'ACTIVE'],
  ['TELEGRAM', 'adm33tg', 'admin-17', 'https://t.me/adm33tg', 'Администрация области', 'true', 'ACTIVE'],
  ['VK', 'petushki_rn', 'admin-17646', 'https://vk.com/petushki_rn', 'Петушинский район', 'true', 'ACTIVE'],
  ['VK', 'school1_petushki', 'school-petushki-1', 'https://vk.com/school1_petushki', 'Школа №1 Петушки', 'false', 'ACTIVE'],
  ['OK', 'school1ok', 'school-petushki-1', 'https://ok.ru/school1ok', 'Школа №1 Петушки', 'false', 'ARCHIVED'],
  ['MAX', 'library_max', 'library-petushki', 'https://max.ru/library_max', 'Библиотека', 'false', 'ACTIVE'],
  ['VK', 'elkino_dk', 'club-elkino', 'https://vk.com/elkino_dk', 'ДК Ёлкино', 'false', 'ACTIVE'],
  ['VK', 'kaluga_museum', 'museum-kaluga', 'https://vk.com/kaluga_museum', 'Калужский музей', 'true', 'ACTIVE'],
]);

export const OBSERVATIONS = csv('platform,external_id,subscribers,observed_on', [
  ['VK', 'adm33', 50000, '2025-03-01'],
  ['VK', 'adm33', 52000, '2025-04-01'],
  ['TELEGRAM', 'adm33tg', 9000, '2025-04-01'],
  ['VK', 'petushki_rn', 7000, '2025-04-01'],
  ['VK', 'school1_petushki', 1200, '2025-04-01'],
  ['OK', 'school1ok', 300, '2025-04-01'],
  ['VK', 'elkino_dk', 150, '2025-04-01'],
  ['VK', 'kaluga_museum', 800, '2025-04-01'],
  // library_max has no observation: its subscribers are null.
]);

export async function loadFixture(pool: pg.Pool): Promise<void> {
  const result = await importFolder(
    pool,
    await writeLoad({
      'territories.csv': TREE,
      'sectors.csv': SECTORS,
      'organisations.csv': ORGANISATIONS,
      'pages.csv': PAGES,
      'observations.csv': OBSERVATIONS,
    }),
  );
  expect(result.errors).toEqual([]);
}
