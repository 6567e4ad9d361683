/**
 * The floor of the stored candidate jumps (`territory_anomaly`): every step of an active page's
 * count between two consecutive observations with |change| >= `change` and |change| >= `percent`
 * % of the count before is kept by the loads, so `anomalies` answers any thresholds at or above
 * these exactly; it refuses lower ones. Declared once: the loads' SQL and the API's checks read it.
 */
export const ANOMALY_FLOOR = { change: 100, percent: 5 } as const;
