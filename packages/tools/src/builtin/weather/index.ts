import { z } from 'zod'
import { defineTool } from '../../define-tool.js'
import type { Tool } from '../../define-tool.js'
import type { ToolContext } from '../../tool-context.js'
import { ToolError } from '../../tool-error.js'
import type { PrebuiltSubagentDefinition } from '../prebuilt-subagent.js'
import { forecast, geocode } from './open-meteo.js'
import type { Forecast, OpenMeteoEndpoints, Place } from './open-meteo.js'
import { describeWeatherCode } from './weather-codes.js'

/** Options of {@link weatherTool}. */
export interface WeatherToolOptions {
  /** Open-Meteo forecast API. @default 'https://api.open-meteo.com' */
  baseUrl?: string
  /** Open-Meteo geocoding API. @default 'https://geocoding-api.open-meteo.com' */
  geocodingUrl?: string
  /** The fetch to call both APIs with. @default `ctx.fetch`, else global `fetch` */
  fetch?: typeof globalThis.fetch
}

type Units = 'celsius' | 'fahrenheit'

/** Countries that report temperatures in Fahrenheit (the US with its territories, and a few others). */
const FAHRENHEIT_COUNTRIES: ReadonlySet<string> = new Set([
  'US',
  'PR',
  'GU',
  'VI',
  'AS',
  'MP',
  'UM',
  'BS',
  'BZ',
  'KY',
  'PW',
  'FM',
  'MH',
  'LR',
])

const location = z.string().min(1).describe('City name, e.g. "San Francisco" or "Paris, Texas"')
const units = z
  .enum(['celsius', 'fahrenheit'])
  .optional()
  .describe('Temperature units; by default those of the country the city is in')

const currentOutput = z.object({
  location: z.string(),
  temperature: z.string(),
  conditions: z.string(),
  humidity: z.string(),
  wind: z.string(),
  observed_at: z.string(),
})

const forecastOutput = z.object({
  location: z.string(),
  days: z.array(
    z.object({
      date: z.string(),
      conditions: z.string(),
      high: z.string(),
      low: z.string(),
      precipitation_chance: z.string().nullable(),
    }),
  ),
})

/**
 * A weather tool on Open-Meteo's free public API (no key): `current` gives temperature, conditions,
 * humidity and wind for a city; `forecast` gives daily highs, lows, conditions and chance of rain
 * for up to 16 days. Values are display strings (`62°F`, `73%`, `Partly cloudy`).
 *
 * @example
 * const runtime = createRuntime({ tools: [weatherTool()], subagents: [weatherAgent] })
 */
export function weatherTool(options: WeatherToolOptions = {}): Tool {
  const endpoints: OpenMeteoEndpoints = {
    forecastUrl: options.baseUrl ?? 'https://api.open-meteo.com',
    geocodingUrl: options.geocodingUrl ?? 'https://geocoding-api.open-meteo.com',
  }
  const context = (ctx: ToolContext): ToolContext =>
    options.fetch === undefined ? ctx : Object.assign(Object.create(ctx) as ToolContext, { fetch: options.fetch })

  const current = async (
    input: { location: string; units?: Units | undefined },
    ctx: ToolContext,
  ): Promise<z.input<typeof currentOutput>> => {
    const scoped = context(ctx)
    const place = await geocode(endpoints, input.location, scoped)
    const chosen = input.units ?? unitsFor(place)
    const answer = await forecast(endpoints, { place, units: chosen }, scoped)
    const now = answer.current
    if (now === undefined) throw missing('current conditions')
    ctx.note(`Open-Meteo: ${placeName(place)} at ${place.latitude}, ${place.longitude}`)
    return {
      location: placeName(place),
      temperature: temperature(now.temperature_2m, answer.current_units?.temperature_2m, chosen),
      conditions: describeWeatherCode(now.weather_code),
      humidity: `${Math.round(now.relative_humidity_2m)}%`,
      wind: `${Math.round(now.wind_speed_10m)} ${chosen === 'fahrenheit' ? 'mph' : 'km/h'}`,
      observed_at: now.time,
    }
  }

  const daily = async (
    input: { location: string; days: number; units?: Units | undefined },
    ctx: ToolContext,
  ): Promise<z.input<typeof forecastOutput>> => {
    const scoped = context(ctx)
    const place = await geocode(endpoints, input.location, scoped)
    const chosen = input.units ?? unitsFor(place)
    const answer = await forecast(endpoints, { place, units: chosen, days: input.days }, scoped)
    if (answer.daily === undefined) throw missing('a daily forecast')
    return { location: placeName(place), days: days(answer.daily, answer.daily_units, chosen) }
  }

  return defineTool({
    name: 'weather',
    description: 'Current conditions and daily forecasts for any city (Open-Meteo)',
    tags: ['forecast', 'temperature', 'humidity', 'wind', 'rain', 'conditions', 'climate'],
    capabilities: {
      current: {
        description: 'Current temperature, conditions, humidity and wind for a city',
        input: z.object({ location, units }),
        output: currentOutput,
        run: current,
        sandbox: current,
      },
      forecast: {
        description:
          'Daily forecast for a city: conditions, high and low temperature and chance of rain for the coming days',
        input: z.object({
          location,
          days: z.number().int().min(1).max(16).default(3).describe('Days to forecast, today included'),
          units,
        }),
        output: forecastOutput,
        run: daily,
        sandbox: daily,
      },
    },
  })
}

/** The weather tool with its defaults: Open-Meteo's public endpoints. */
export const weather: Tool = /* @__PURE__ */ weatherTool()

/** A prebuilt subagent for weather questions; enable it with the {@link weather} tool. */
export const weatherAgent: PrebuiltSubagentDefinition = Object.freeze({
  name: 'weather-agent',
  prompt: 'Weather: current conditions, temperature, humidity and forecasts for any city',
  tools: Object.freeze(['weather']),
})

function unitsFor(place: Place): Units {
  return place.country_code !== undefined && FAHRENHEIT_COUNTRIES.has(place.country_code.toUpperCase())
    ? 'fahrenheit'
    : 'celsius'
}

function placeName(place: Place): string {
  return [place.name, place.admin1, place.country]
    .filter((part, index, parts) => part !== undefined && part !== '' && parts.indexOf(part) === index)
    .join(', ')
}

function temperature(value: number | null, unit: string | undefined, units: Units): string {
  if (value === null) return 'unknown'
  return `${Math.round(value)}${unit ?? (units === 'fahrenheit' ? '°F' : '°C')}`
}

function days(
  daily: NonNullable<Forecast['daily']>,
  dailyUnits: Forecast['daily_units'],
  units: Units,
): z.input<typeof forecastOutput>['days'] {
  return daily.time.map((date, index) => {
    const code = daily.weather_code[index]
    const chance = daily.precipitation_probability_max?.[index]
    return {
      date,
      conditions: code === undefined || code === null ? 'unknown' : describeWeatherCode(code),
      high: temperature(daily.temperature_2m_max[index] ?? null, dailyUnits?.temperature_2m_max, units),
      low: temperature(daily.temperature_2m_min[index] ?? null, dailyUnits?.temperature_2m_min, units),
      precipitation_chance: chance === undefined || chance === null ? null : `${Math.round(chance)}%`,
    }
  })
}

function missing(what: string): ToolError {
  return new ToolError('upstream_error', `Open-Meteo answered without ${what}`, { recoverable: false })
}
