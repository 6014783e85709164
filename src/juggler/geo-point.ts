/** A point on the earth, LB3's `GeoPoint` type: `{lat, lng}` in degrees. */
export class GeoPoint {
  lat: number;
  lng: number;

  constructor(lat: number | GeoPointLike | string | number[], lng?: number) {
    const parsed = GeoPoint.parse(lat, lng);
    if (!parsed) throw new TypeError(`Invalid GeoPoint: ${JSON.stringify(lat)}`);
    this.lat = parsed.lat;
    this.lng = parsed.lng;
  }

  /** Accepts `{lat, lng}`, `[lat, lng]`, `"lat,lng"` or two numbers; undefined when not a valid point. */
  static parse(value: unknown, lng?: unknown): GeoPointLike | undefined {
    let lat: unknown = value;
    if (typeof value === 'string') {
      const parts = value.split(',');
      if (parts.length !== 2) return undefined;
      lat = parts[0].trim() === '' ? NaN : Number(parts[0]);
      lng = parts[1].trim() === '' ? NaN : Number(parts[1]);
    } else if (Array.isArray(value)) {
      if (value.length !== 2) return undefined;
      [lat, lng] = value;
    } else if (value !== null && typeof value === 'object') {
      lat = (value as GeoPointLike).lat;
      lng = (value as GeoPointLike).lng;
    }
    if (typeof lat !== 'number' || typeof lng !== 'number') return undefined;
    if (!Number.isFinite(lat) || !Number.isFinite(lng)) return undefined;
    if (lat < -90 || lat > 90 || lng < -180 || lng > 180) return undefined;
    return { lat, lng };
  }

  /**
   * Great-circle distance (haversine) between two points, in a unit (default miles, as LB3): given
   * by name or as LB3's `{type}` options.
   */
  static distanceBetween(
    a: GeoPointLike,
    b: GeoPointLike,
    unit: DistanceUnit | { type?: DistanceUnit } = 'miles',
  ): number {
    const type = (typeof unit === 'object' && unit !== null ? unit.type : unit) ?? 'miles';
    const rad = Math.PI / 180;
    const dLat = (b.lat - a.lat) * rad;
    const dLng = (b.lng - a.lng) * rad;
    const h =
      Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
    const radians = 2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
    return radians * EARTH_RADIUS[type];
  }

  distanceTo(other: GeoPointLike, options?: { type?: DistanceUnit }): number {
    return GeoPoint.distanceBetween(this, other, options?.type ?? 'miles');
  }

  toJSON(): GeoPointLike {
    return { lat: this.lat, lng: this.lng };
  }

  toString(): string {
    return `${this.lat},${this.lng}`;
  }
}

export interface GeoPointLike {
  lat: number;
  lng: number;
}

export type DistanceUnit = 'kilometers' | 'meters' | 'miles' | 'feet' | 'radians' | 'degrees';

const EARTH_RADIUS: Record<DistanceUnit, number> = {
  // LB3's figures, so distances and `near`/`maxDistance` answers match it to the metre.
  kilometers: 6370.99056,
  meters: 6370990.56,
  miles: 3958.75,
  feet: 20902200,
  radians: 1,
  degrees: 57.2957795,
};

export function isDistanceUnit(value: unknown): value is DistanceUnit {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EARTH_RADIUS, value);
}
