import { z } from 'zod'
import { executeHttp } from '../../http/execute-http.js'
import type { HttpOperation } from '../../http/http-operation.js'
import type { ToolContext } from '../../tool-context.js'
import { ToolError } from '../../tool-error.js'

/** Where the two Open-Meteo APIs live. */
export interface OpenMeteoEndpoints {
  readonly forecastUrl: string
  readonly geocodingUrl: string
}

const placeSchema = z.object({
  name: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  country: z.string().optional(),
  country_code: z.string().optional(),
  admin1: z.string().optional(),
  timezone: z.string().optional(),
})

/** One geocoding result. */
export type Place = z.infer<typeof placeSchema>

const searchSchema = z.object({ results: z.array(placeSchema).optional() })

const series = z.array(z.number().nullable())
const forecastSchema = z.object({
  current_units: z.record(z.string(), z.string()).optional(),
  current: z
    .object({
      time: z.string(),
      temperature_2m: z.number(),
      relative_humidity_2m: z.number(),
      weather_code: z.number(),
      wind_speed_10m: z.number(),
    })
    .optional(),
  daily_units: z.record(z.string(), z.string()).optional(),
  daily: z
    .object({
      time: z.array(z.string()),
      weather_code: series,
      temperature_2m_max: series,
      temperature_2m_min: series,
      precipitation_probability_max: series.optional(),
    })
    .optional(),
})

/** The forecast endpoint's answer, as far as the weather tool reads it. */
export type Forecast = z.infer<typeof forecastSchema>

const CURRENT = 'temperature_2m,relative_humidity_2m,weather_code,wind_speed_10m'
const DAILY = 'weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max'

function operation(baseUrl: string, path: string, parameters: readonly string[]): HttpOperation {
  return {
    service: 'weather',
    baseUrl,
    method: 'GET',
    path,
    parameters: parameters.map((name) => ({ name, in: 'query' })),
    auth: { type: 'none' },
  }
}

/**
 * Finds `location` with the geocoding API. A qualifier after a comma (`Paris, Texas`) picks the
 * result whose region or country matches it; otherwise the best-ranked result wins. Throws
 * `not_found` when nothing matches.
 */
export async function geocode(endpoints: OpenMeteoEndpoints, location: string, ctx: ToolContext): Promise<Place> {
  const [name = '', ...rest] = location.split(',').map((part) => part.trim())
  const qualifier = rest.join(', ').toLowerCase()
  const search = operation(endpoints.geocodingUrl, '/v1/search', ['name', 'count', 'language', 'format'])
  const body = await executeHttp(
    search,
    { name, count: qualifier === '' ? 1 : 10, language: 'en', format: 'json' },
    ctx,
  )
  const results = parse(searchSchema, body, 'geocoding').results ?? []
  const place = results.find((candidate) => qualifier !== '' && matchesQualifier(candidate, qualifier)) ?? results[0]
  if (place === undefined || name === '') {
    throw new ToolError('not_found', `No place called "${location}" was found`, {
      recoverable: false,
      details: { location },
      suggestion: 'Check the spelling, or name a larger city nearby.',
    })
  }
  return place
}

/** Current conditions and, when `request.days` is given, a daily forecast for that many days. */
export async function forecast(
  endpoints: OpenMeteoEndpoints,
  request: { place: Place; units: 'celsius' | 'fahrenheit'; days?: number | undefined },
  ctx: ToolContext,
): Promise<Forecast> {
  const { place, units, days } = request
  const parameters = ['latitude', 'longitude', 'current', 'temperature_unit', 'wind_speed_unit', 'timezone']
  const input: Record<string, unknown> = {
    latitude: place.latitude,
    longitude: place.longitude,
    current: CURRENT,
    temperature_unit: units,
    wind_speed_unit: units === 'fahrenheit' ? 'mph' : 'kmh',
    timezone: 'auto',
  }
  if (days !== undefined) {
    parameters.push('daily', 'forecast_days')
    input.daily = DAILY
    input.forecast_days = days
  }
  const body = await executeHttp(operation(endpoints.forecastUrl, '/v1/forecast', parameters), input, ctx)
  return parse(forecastSchema, body, 'forecast')
}

function matchesQualifier(place: Place, qualifier: string): boolean {
  return [place.admin1, place.country, place.country_code].some(
    (field) => field !== undefined && field.toLowerCase() === qualifier,
  )
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  throw new ToolError('upstream_error', `Open-Meteo's ${what} API answered in an unexpected shape`, {
    recoverable: false,
    details: { body, issues: parsed.error.issues },
  })
}
