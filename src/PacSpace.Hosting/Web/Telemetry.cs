using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace PacSpace.Hosting.Web;

/// <summary>
/// Section <c>Telemetry</c>. Metrics are collected only when <see cref="MetricsPort"/> is set: then the role also listens
/// on that port and serves Prometheus text at <c>/metrics</c> there, and nowhere else.
/// </summary>
public sealed class TelemetrySettings
{
    /// <summary>Port of the metrics listener; 0 (the default) collects nothing.</summary>
    public int MetricsPort { get; set; }

    /// <summary>Address the metrics listener binds to; loopback unless a scraper elsewhere needs it.</summary>
    public string MetricsHost { get; set; } = "127.0.0.1";
}

/// <summary>The meter every PacSpace component records its own measurements on.</summary>
public static class PacSpaceMetrics
{
    public const string MeterName = "PacSpace";

    public static readonly Meter Meter = new(MeterName);
}

public static class TelemetrySetup
{
    /// <summary>Registers collection (ASP.NET Core requests, runtime, the PacSpace meter) when a metrics port is configured.</summary>
    public static WebApplicationBuilder AddPacSpaceTelemetry(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("Telemetry").Get<TelemetrySettings>() ?? new TelemetrySettings();
        if (settings.MetricsPort is < 0 or > 65535)
        {
            throw new InvalidOperationException("Telemetry:MetricsPort must be 0 (off) or a TCP port.");
        }

        builder.Services.AddSingleton(settings);
        if (settings.MetricsPort == 0)
        {
            return builder;
        }

        // The metrics listener is added to the role's own address; /metrics is answered on it only.
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        builder.WebHost.UseUrls($"{urls};http://{settings.MetricsHost}:{settings.MetricsPort}");
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter("System.Runtime") // the runtime's own meter (GC, thread pool, CPU); no extra package on .NET 9+
            .AddMeter(PacSpaceMetrics.MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapPacSpaceMetrics(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<TelemetrySettings>();
        if (settings.MetricsPort != 0)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{settings.MetricsPort}");
        }

        return app;
    }
}
