using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PacSpace.Hosting.Web;

/// <summary>
/// Section <c>Telemetry</c>. Metrics are collected only when <see cref="MetricsPort"/> is set: then the role also listens
/// on that port and serves Prometheus text at <c>/metrics</c> there, and nowhere else. Traces are recorded only when
/// <see cref="OtlpEndpoint"/> names a collector, which receives them over OTLP/HTTP.
/// </summary>
public sealed class TelemetrySettings
{
    /// <summary>Port of the metrics listener; 0 (the default) collects nothing.</summary>
    public int MetricsPort { get; set; }

    /// <summary>Address the metrics listener binds to; loopback unless a scraper elsewhere needs it.</summary>
    public string MetricsHost { get; set; } = "127.0.0.1";

    /// <summary>Base URL of an OpenTelemetry collector's OTLP/HTTP receiver (<c>http://collector:4318</c>); empty records no traces.</summary>
    public string OtlpEndpoint { get; set; } = "";
}

/// <summary>The meter every PacSpace component records its own measurements on.</summary>
public static class PacSpaceMetrics
{
    public const string MeterName = "PacSpace";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Spans of PacSpace's own work that no request covers (group commits, sequencer rounds, activations).</summary>
    public static readonly ActivitySource Tracing = new(MeterName);
}

public static class TelemetrySetup
{
    /// <summary>Registers metrics (when a metrics port is configured) and traces (when a collector is), for the role named.</summary>
    public static WebApplicationBuilder AddPacSpaceTelemetry(this WebApplicationBuilder builder, string role)
    {
        var settings = builder.Configuration.GetSection("Telemetry").Get<TelemetrySettings>() ?? new TelemetrySettings();
        if (settings.MetricsPort is < 0 or > 65535)
        {
            throw new InvalidOperationException("Telemetry:MetricsPort must be 0 (off) or a TCP port.");
        }

        if (settings.OtlpEndpoint.Length > 0 && !(Uri.TryCreate(settings.OtlpEndpoint, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https"))
        {
            throw new InvalidOperationException("Telemetry:OtlpEndpoint must be an absolute http(s) URL such as http://collector:4318.");
        }

        builder.Services.AddSingleton(settings);
        if (settings.MetricsPort == 0 && settings.OtlpEndpoint.Length == 0)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService("pacspace-" + role.ToLowerInvariant()));
        if (settings.MetricsPort != 0)
        {
            // The metrics listener is added to the role's own address; /metrics is answered on it only.
            var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
            builder.WebHost.UseUrls($"{urls};http://{settings.MetricsHost}:{settings.MetricsPort}");
            telemetry.WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("System.Runtime") // the runtime's own meter (GC, thread pool, CPU); no extra package on .NET 9+
                .AddMeter(PacSpaceMetrics.MeterName)
                .AddPrometheusExporter());
        }

        if (settings.OtlpEndpoint.Length > 0)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/healthz"))
                .AddSource("System.Net.Http") // calls between the roles carry the trace on (.NET's own HttpClient spans)
                .AddSource(PacSpaceMetrics.MeterName)
                .AddOtlpExporter(o =>
                {
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    o.Endpoint = new Uri(settings.OtlpEndpoint.TrimEnd('/') + "/v1/traces");
                    o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
                }));
        }

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
