using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Secrets;

namespace PacSpace.Hosting.Web;

/// <summary>Service defaults shared by the three roles: configuration, logging, limits, errors, health.</summary>
public static class PacSpaceWeb
{
    /// <param name="role">Name of the role for logs and health answers.</param>
    /// <param name="application">The assembly holding the role's endpoints and pages (MVC finds pages through it).</param>
    public static WebApplicationBuilder CreateBuilder(string role, System.Reflection.Assembly application, IConfiguration configuration, string url)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = application.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(url);
        builder.AddPacSpaceTelemetry(role);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = JsonBody.MaxBytes;
        });

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        // Signals are handled once, by the command line (one process may run three hosts).
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOpenApi(o => o.CreateSchemaReferenceId = SchemaId);
        builder.Services.AddPacSpaceForwardedHeaders(configuration);
        builder.Services.AddAtRestEncryption(configuration);
        var connectionString = configuration["Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"Database:ConnectionString is required for the {role} role.");
        }

        // Created by the container so that it is disposed (and its pool closed) with the host.
        builder.Services.AddSingleton(_ => new Database(connectionString));
        builder.Services.AddHostedService<SqliteCheckpointer>();
        return builder;
    }

    /// <summary>Turns exceptions into the error envelope: 413 for oversized bodies, 503 when the database is
    /// unreachable, 500 with only a trace id otherwise (never a stack trace or SQL).</summary>
    public static IApplicationBuilder UsePacSpaceErrors(this IApplicationBuilder app)
    {
        var style = app.ApplicationServices.GetService<EnvelopeStyle>() ?? EnvelopeStyle.Plane;
        return app.Use(async (context, next) =>
        {
            context.Features.Set(style);
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? new Error(413, ErrorCodes.PayloadTooLarge, $"The body is larger than the limit of {JsonBody.MaxBytes} bytes.")
                    : Error.Validation("body", "could not be read: " + ex.Message);
                await Envelope.WriteErrorAsync(context, error);
            }
            catch (IOException ex) when (!context.Response.HasStarted && JsonBody.IsMalformedFraming(ex))
            {
                // Bodies read outside JsonBody (forms on the pages) meet the same broken framing.
                await Envelope.WriteErrorAsync(context, JsonBody.Unreadable());
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            catch (Exception ex) when (!context.Response.HasStarted)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("PacSpace.Errors");
                if (ex is NpgsqlException { IsTransient: true } or TimeoutException)
                {
                    logger.LogWarning(new EventId(2, "DependencyDown"), ex, "Database unavailable for {Method} {Path}", context.Request.Method, context.Request.Path);
                    await Envelope.WriteErrorAsync(context, new Error(503, ErrorCodes.ServiceUnavailable,
                        "A dependency is unavailable. Try again shortly.") { RetryAfterSeconds = 2 });
                    return;
                }

                logger.LogError(new EventId(1, "Unhandled"), ex, "Unhandled error for {Method} {Path}", context.Request.Method, context.Request.Path);
                await Envelope.WriteErrorAsync(context, new Error(500, ErrorCodes.InternalError, "Something went wrong on our side. Quote the traceId when you contact support."));
            }
        });
    }

    /// <summary><c>GET /healthz</c>: 200 once the host serves requests and its database answers.</summary>
    public static IEndpointConventionBuilder MapPacSpaceHealth(this IEndpointRouteBuilder endpoints, string role)
    {
        return endpoints.MapGet("/healthz", async (Database db, CancellationToken ct) =>
        {
            try
            {
                await using var connection = await db.OpenAsync(ct);
                await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: ct));
                return Results.Json(new { status = "ok", role });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Results.Json(new { status = "unavailable", role, reason = "database unreachable" }, statusCode: 503);
            }
        }).ExcludeFromDescription();
    }

    /// <summary>Unknown routes answer in the envelope rather than with an empty 404.</summary>
    public static void MapNotFoundFallback(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapFallback(NoSuchRoute).ExcludeFromDescription();

    /// <summary>The envelope's answer to a route this host does not serve.</summary>
    public static IResult NoSuchRoute() =>
        Envelope.Fail(new Error(404, ErrorCodes.NotFound, "No such route. See /openapi/v1.json for the routes this host serves."));

    /// <summary>
    /// Schema names as the framework gives them, except a use case's own <c>Input</c> and <c>Output</c> records, which
    /// every use case names alike: they take their use case's name (<c>ChangePasswordOutput</c>), else the document
    /// would describe every such answer with the first one's schema.
    /// </summary>
    private static string? SchemaId(System.Text.Json.Serialization.Metadata.JsonTypeInfo info) =>
        info.Type is { IsNested: true, Name: "Input" or "Output", DeclaringType: { } useCase }
            ? useCase.Name + info.Type.Name
            : Microsoft.AspNetCore.OpenApi.OpenApiOptions.CreateDefaultSchemaReferenceId(info);

    private sealed class CommandLineLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
