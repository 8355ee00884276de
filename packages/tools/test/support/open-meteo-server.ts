import { sendJson, startServer } from './http-server.js'
import type { TestServer } from './http-server.js'

/**
 * Geocoding results in the shape of Open-Meteo's `/v1/search` (fields as documented at
 * open-meteo.com/en/docs/geocoding-api), keyed by the lower-cased `name` searched for.
 */
const PLACES: Readonly<Record<string, readonly Record<string, unknown>[]>> = {
  'san francisco': [
    {
      id: 5391959,
      name: 'San Francisco',
      latitude: 37.77493,
      longitude: -122.41942,
      elevation: 16,
      feature_code: 'PPLA2',
      country_code: 'US',
      admin1_id: 5332921,
      admin2_id: 5391997,
      timezone: 'America/Los_Angeles',
      population: 864816,
      postcodes: ['94102', '94103'],
      country_id: 6252001,
      country: 'United States',
      admin1: 'California',
      admin2: 'San Francisco',
    },
  ],
  paris: [
    {
      id: 2988507,
      name: 'Paris',
      latitude: 48.85341,
      longitude: 2.3488,
      elevation: 42,
      feature_code: 'PPLC',
      country_code: 'FR',
      admin1_id: 3012874,
      timezone: 'Europe/Paris',
      population: 2138551,
      country_id: 3017382,
      country: 'France',
      admin1: 'Île-de-France',
    },
    {
      id: 4717560,
      name: 'Paris',
      latitude: 33.66094,
      longitude: -95.55551,
      elevation: 177,
      feature_code: 'PPLA2',
      country_code: 'US',
      admin1_id: 4736286,
      timezone: 'America/Chicago',
      population: 24782,
      country_id: 6252001,
      country: 'United States',
      admin1: 'Texas',
    },
  ],
}

/** Current conditions per latitude, in Celsius and km/h as Open-Meteo stores them. */
const CONDITIONS: Readonly<Record<string, { celsius: number; humidity: number; code: number; kmh: number }>> = {
  '37.77493': { celsius: 16.7, humidity: 73, code: 2, kmh: 13.4 },
  '48.85341': { celsius: 8.2, humidity: 87, code: 61, kmh: 18.7 },
  '33.66094': { celsius: 24.4, humidity: 55, code: 0, kmh: 9.1 },
}

export interface OpenMeteoServer extends TestServer {
  /** Makes every following request answer this status with Open-Meteo's error body. */
  failWith(status: number | undefined, headers?: Record<string, string>): void
}

/**
 * A local stand-in for both Open-Meteo APIs on one ephemeral port, answering in their documented
 * JSON shapes: `results[]` for geocoding (absent when nothing matches), and `current`,
 * `current_units`, `daily`, `daily_units` for forecasts, honouring `temperature_unit`,
 * `wind_speed_unit`, the variables asked for and `forecast_days`.
 */
export async function startOpenMeteo(): Promise<OpenMeteoServer> {
  let failure: { status: number; headers: Record<string, string> } | undefined
  const server = await startServer((request, response) => {
    if (failure !== undefined)
      return sendJson(response, failure.status, {
        body: { error: true, reason: 'Too many concurrent requests' },
        headers: failure.headers,
      })
    const query = request.url.searchParams
    if (request.url.pathname === '/v1/search') {
      const found = PLACES[(query.get('name') ?? '').toLowerCase()] ?? []
      const results = found.slice(0, Number(query.get('count') ?? 10))
      return sendJson(response, 200, {
        body: results.length === 0 ? { generationtime_ms: 0.31 } : { results, generationtime_ms: 0.62 },
      })
    }
    if (request.url.pathname === '/v1/forecast') return sendJson(response, 200, { body: forecastBody(query) })
    sendJson(response, 404, { body: { error: true, reason: 'Not Found' } })
  })
  return {
    ...server,
    failWith(status, headers = {}) {
      failure = status === undefined ? undefined : { status, headers }
    },
  }
}

function forecastBody(query: URLSearchParams): Record<string, unknown> {
  const latitude = query.get('latitude') ?? ''
  const fahrenheit = query.get('temperature_unit') === 'fahrenheit'
  const mph = query.get('wind_speed_unit') === 'mph'
  const degrees = (celsius: number): number => Math.round((fahrenheit ? (celsius * 9) / 5 + 32 : celsius) * 10) / 10
  const unit = fahrenheit ? '°F' : '°C'
  const now = CONDITIONS[latitude] ?? { celsius: 10, humidity: 50, code: 3, kmh: 5 }
  const body: Record<string, unknown> = {
    latitude: Number(latitude),
    longitude: Number(query.get('longitude')),
    generationtime_ms: 0.05,
    utc_offset_seconds: -25200,
    timezone: 'America/Los_Angeles',
    timezone_abbreviation: 'PDT',
    elevation: 18,
  }
  if (query.get('current') !== null) {
    body.current_units = {
      time: 'iso8601',
      interval: 'seconds',
      temperature_2m: unit,
      relative_humidity_2m: '%',
      weather_code: 'wmo code',
      wind_speed_10m: mph ? 'mp/h' : 'km/h',
    }
    body.current = {
      time: '2025-06-15T07:15',
      interval: 900,
      temperature_2m: degrees(now.celsius),
      relative_humidity_2m: now.humidity,
      weather_code: now.code,
      wind_speed_10m: Math.round((mph ? now.kmh / 1.609344 : now.kmh) * 10) / 10,
    }
  }
  if (query.get('daily') !== null) {
    const days = Number(query.get('forecast_days') ?? 7)
    const index = Array.from({ length: days }, (_, day) => day)
    body.daily_units = {
      time: 'iso8601',
      weather_code: 'wmo code',
      temperature_2m_max: unit,
      temperature_2m_min: unit,
      precipitation_probability_max: '%',
    }
    body.daily = {
      time: index.map((day) => `2025-06-${String(15 + day).padStart(2, '0')}`),
      weather_code: index.map((day) => [2, 61, 95, 3, 0][day % 5]),
      temperature_2m_max: index.map((day) => degrees(now.celsius + 3 + day)),
      temperature_2m_min: index.map((day) => degrees(now.celsius - 4 + day)),
      // Open-Meteo sends null where a model has no value.
      precipitation_probability_max: index.map((day) => (day === 3 ? null : day * 20)),
    }
  }
  return body
}
