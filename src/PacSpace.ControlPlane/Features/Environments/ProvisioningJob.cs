using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Jobs;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>
/// Runs environment activations: each <c>activating</c> row is a job that calls the plane's idempotent internal
/// API and records the outcome. An activation that fails <see cref="ProvisioningOptions.MaxAttempts"/> times is
/// marked <c>failed</c> with the reason, and a new activation request starts it over.
/// </summary>
internal sealed partial class ProvisioningJob(
    EnvironmentStore environments,
    PlaneClient planes,
    JobSignal<ProvisioningJob> signal,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<ProvisioningJob> logger) : LeasedJob<EnvironmentStore.Activation>
{
    private static readonly Histogram<long> Duration = PacSpaceMetrics.Meter.CreateHistogram<long>("pacspace.activation.duration", "ms",
        "From the activation request to the environment being active, retries included.");

    public override string Name => "provisioning";

    public override JobSignal Signal => signal;

    public override JobSchedule Schedule
    {
        get
        {
            var o = options.Value;
            return new(o.WorkerEnabled, o.PollInterval, o.Concurrency, o.Concurrency, o.InitialBackoff, o.MaxBackoff, o.MaxAttempts);
        }
    }

    public override Task<IReadOnlyList<EnvironmentStore.Activation>> ClaimAsync(string owner, int max, CancellationToken cancellationToken) =>
        environments.ClaimDueActivationsAsync(owner, max, options.Value.LeaseDuration, cancellationToken);

    public override async Task RunAsync(string owner, EnvironmentStore.Activation item, CancellationToken cancellationToken)
    {
        using var span = PacSpaceMetrics.Tracing.StartActivity("environment.activate");
        span?.SetTag("pacspace.environment", item.Environment).SetTag("pacspace.tenant", item.TenantId).SetTag("pacspace.attempt", item.Attempt);
        var env = PacSpaceEnvironments.FromStored(item.Environment);
        var ledger = await planes.EnsureTenantAsync(env, item.TenantId, options.Value.RequestTimeout, cancellationToken);
        await environments.MarkActiveAsync(item.Id, owner, ledger.Origin, ledger.PublicKey);
        if (item.RequestedAt is long requestedAt && requestedAt > 0)
        {
            Duration.Record(time.GetUtcNow().ToUnixTimeMilliseconds() - requestedAt, new KeyValuePair<string, object?>("environment", item.Environment));
        }

        LogActivated(item.TenantId, item.Environment, item.Attempt);
    }

    public override async Task FailAsync(string owner, EnvironmentStore.Activation item, JobFailure failure)
    {
        var reason = Describe(PacSpaceEnvironments.FromStored(item.Environment), failure.Error);
        if (failure.RetryAtMs is long next)
        {
            await environments.ScheduleRetryAsync(item.Id, owner, reason, next);
            LogRetrying(failure.Error, item.TenantId, item.Environment, item.Attempt, failure.RetryIn!.Value.TotalMilliseconds, reason);
        }
        else
        {
            await environments.MarkFailedAsync(item.Id, owner, $"{reason} (gave up after {item.Attempt} attempts)");
            LogFailed(failure.Error, item.TenantId, item.Environment, item.Attempt, reason);
        }
    }

    private string Describe(PacSpaceEnvironment env, Exception ex)
    {
        var plane = $"the {env.Name()} plane at {planes.InternalUrl(env)}";
        return ex switch
        {
            HttpRequestException { InnerException: SocketException se } => $"Could not reach {plane}: {se.SocketErrorCode}",
            HttpRequestException { StatusCode: not null } h => $"Activation refused: {h.Message}",
            HttpRequestException h => $"Could not reach {plane}: {h.Message}",
            OperationCanceledException or TimeoutException => $"{plane} did not answer within {options.Value.RequestTimeout.TotalSeconds:0.#} s",
            _ => $"Unexpected answer from {plane}: {ex.GetType().Name}",
        };
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Activated {Environment} for {TenantId} (attempt {Attempt})")]
    private partial void LogActivated(string tenantId, string environment, long attempt);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Activation of {Environment} for {TenantId} failed (attempt {Attempt}), retrying in {DelayMs:0} ms: {Reason}")]
    private partial void LogRetrying(Exception ex, string tenantId, string environment, long attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Activation of {Environment} for {TenantId} failed for good after {Attempt} attempts: {Reason}")]
    private partial void LogFailed(Exception ex, string tenantId, string environment, long attempt, string reason);
}
