import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { weather, weatherAgent, weatherTool } from '@inboard/tools'
import type { Tool, ToolContext } from '@inboard/tools'
import { startOpenMeteo } from './support/open-meteo-server.js'
import type { OpenMeteoServer } from './support/open-meteo-server.js'
import { testContext } from './support/tool-context.js'
import { failure } from './support/tool-failure.js'

let server: OpenMeteoServer
let tool: Tool
beforeEach(async () => {
  server = await startOpenMeteo()
  tool = weatherTool({ baseUrl: server.url, geocodingUrl: server.url })
})
afterEach(async () => {
  await server.close()
})

/** Validates input and output as the runtime would around the capability. */
// Loosely typed on purpose: the tests compare whole outputs and read a few fields of the forecast.
interface WeatherOutput {
  location?: string
  days: { conditions: string; precipitation_chance: string | null }[]
  [field: string]: unknown
}

async function call(
  capability: 'current' | 'forecast',
  input: Record<string, unknown>,
  ctx: ToolContext = testContext(),
): Promise<WeatherOutput> {
  const spec = tool.capabilities[capability]
  if (spec === undefined) throw new Error(`missing capability ${capability}`)
  const output = await spec.run(spec.input.parse(input), ctx)
  return (spec.output === undefined ? output : spec.output.parse(output)) as WeatherOutput
}

describe('weatherTool', () => {
  it('answers the quickstart question for San Francisco with temperature in °F, conditions and humidity', async () => {
    const ctx = testContext()
    const now = await call('current', { location: 'San Francisco' }, ctx)
    expect(now).toEqual({
      location: 'San Francisco, California, United States',
      temperature: '62°F',
      conditions: 'Partly cloudy',
      humidity: '73%',
      wind: '8 mph',
      observed_at: '2025-06-15T07:15',
    })
    const [search, forecast] = server.requests
    expect(search?.url.pathname).toBe('/v1/search')
    expect(Object.fromEntries(search?.url.searchParams ?? [])).toEqual({
      name: 'San Francisco',
      count: '1',
      language: 'en',
      format: 'json',
    })
    expect(forecast?.url.pathname).toBe('/v1/forecast')
    expect(Object.fromEntries(forecast?.url.searchParams ?? [])).toEqual({
      latitude: '37.77493',
      longitude: '-122.41942',
      current: 'temperature_2m,relative_humidity_2m,weather_code,wind_speed_10m',
      temperature_unit: 'fahrenheit',
      wind_speed_unit: 'mph',
      timezone: 'auto',
    })
    expect(ctx.notes).toEqual(['Open-Meteo: San Francisco, California, United States at 37.77493, -122.41942'])
  })

  it('reports in Celsius and km/h outside the US, and in the units asked for anywhere', async () => {
    expect(await call('current', { location: 'Paris' })).toMatchObject({
      location: 'Paris, Île-de-France, France',
      temperature: '8°C',
      conditions: 'Slight rain',
      humidity: '87%',
      wind: '19 km/h',
    })
    expect(await call('current', { location: 'San Francisco', units: 'celsius' })).toMatchObject({
      temperature: '17°C',
      wind: '13 km/h',
    })
    expect(await call('current', { location: 'Paris', units: 'fahrenheit' })).toMatchObject({
      temperature: '47°F',
      wind: '12 mph',
    })
  })

  it('picks the place a region or country after a comma names', async () => {
    expect(await call('current', { location: 'Paris, Texas' })).toMatchObject({
      location: 'Paris, Texas, United States',
      temperature: '76°F',
      conditions: 'Clear sky',
    })
    expect(server.requests[0]?.url.searchParams.get('count')).toBe('10')
    expect(await call('current', { location: 'Paris, FR' })).toMatchObject({ location: 'Paris, Île-de-France, France' })
  })

  it('forecasts daily highs, lows, conditions and chance of rain for the days asked for', async () => {
    const week = await call('forecast', { location: 'Paris', days: 5 })
    expect(week.location).toBe('Paris, Île-de-France, France')
    expect(week.days).toHaveLength(5)
    expect(week.days[0]).toEqual({
      date: '2025-06-15',
      conditions: 'Partly cloudy',
      high: '11°C',
      low: '4°C',
      precipitation_chance: '0%',
    })
    expect(week.days.map((day) => day.conditions)).toEqual([
      'Partly cloudy',
      'Slight rain',
      'Thunderstorm',
      'Overcast',
      'Clear sky',
    ])
    expect(week.days[3]?.precipitation_chance).toBeNull()
    const forecast = server.requests[1]?.url.searchParams
    expect(forecast?.get('daily')).toBe(
      'weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max',
    )
    expect(forecast?.get('forecast_days')).toBe('5')

    const fewer = await call('forecast', { location: 'San Francisco' })
    expect(fewer.days).toHaveLength(3)
    expect(fewer.days[0]).toMatchObject({ high: '68°F', low: '55°F' })
  })

  it('fails with not_found for a city the geocoder does not know, without asking for a forecast', async () => {
    const error = await failure(call('current', { location: 'Atlantis' }))
    expect(error.code).toBe('not_found')
    expect(error.recoverable).toBe(false)
    expect(error.message).toContain('Atlantis')
    expect(server.requests.map((request) => request.url.pathname)).toEqual(['/v1/search'])
  })

  it('maps Open-Meteo errors through the shared HTTP error mapping', async () => {
    server.failWith(429, { 'retry-after': '3' })
    const busy = await failure(call('current', { location: 'Paris' }))
    expect(busy).toMatchObject({ code: 'rate_limited', retryAfterMs: 3_000 })
    expect(busy.message).toContain('Too many concurrent requests')
    server.failWith(400)
    expect((await failure(call('forecast', { location: 'Paris' }))).code).toBe('upstream_error')
    server.failWith(502)
    expect((await failure(call('current', { location: 'Paris' }))).code).toBe('transient')
  })

  it('sends through ctx.fetch when the runtime provides one, and through options.fetch when given', async () => {
    const seen: string[] = []
    const counting =
      (label: string): typeof fetch =>
      async (input, init) => {
        seen.push(`${label} ${new URL(input instanceof Request ? input.url : input).pathname}`)
        return fetch(input, init)
      }
    await call('current', { location: 'Paris' }, testContext({ fetch: counting('ctx') }))
    expect(seen).toEqual(['ctx /v1/search', 'ctx /v1/forecast'])

    tool = weatherTool({ baseUrl: server.url, geocodingUrl: server.url, fetch: counting('options') })
    const ctx = testContext({ fetch: counting('ctx') })
    expect(await call('current', { location: 'Paris' }, ctx)).toMatchObject({ temperature: '8°C' })
    expect(seen.slice(2)).toEqual(['options /v1/search', 'options /v1/forecast'])
    expect(ctx.notes).toHaveLength(1)
  })

  it('stops when the task is cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      call('current', { location: 'Paris' }, testContext({ signal: controller.signal })),
    ).rejects.toMatchObject({ name: 'AbortError' })
    expect(server.requests).toHaveLength(0)
  })

  it('ships a ready tool on the public Open-Meteo endpoints and a prebuilt weather subagent', () => {
    expect(weather.name).toBe('weather')
    expect(Object.keys(weather.capabilities)).toEqual(['current', 'forecast'])
    expect(weather.capabilities.current?.sideEffects).toBeUndefined()
    expect(weatherAgent).toEqual({
      name: 'weather-agent',
      prompt: 'Weather: current conditions, temperature, humidity and forecasts for any city',
      tools: ['weather'],
    })
    expect(weather.capabilities.forecast?.input.safeParse({ location: 'Oslo', days: 17 }).success).toBe(false)
  })
})
