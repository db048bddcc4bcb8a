using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PacSpace.ControlPlane.Jobs;

namespace PacSpace.ControlPlane.Planes;

/// <summary>
/// Delivers changes of one kind of row to their plane while the dashboard call is still open. The change is already
/// committed (with its bumped version) when this runs, so a failure here only means <see cref="PlaneDeliveryJob{TKind}"/>
/// delivers it later.
/// </summary>
internal sealed class PlaneSync<TKind>(TKind kind, JobSignal<PlaneDeliveryJob<TKind>> signal, ILogger<TKind> logger)
    where TKind : PlaneSyncKind
{
    /// <returns><see cref="SyncStatus.Synced"/> when the plane has the latest state of every row, else <see cref="SyncStatus.Pending"/>.</returns>
    public async Task<string> DeliverNowAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var all = true;
        foreach (var id in ids)
        {
            try
            {
                if (await kind.PushAsync(id, cancellationToken) is long version)
                {
                    await kind.Outbox.MarkSyncedAsync(id, version, cancellationToken);
                }
            }
            catch (Exception ex) when (PlaneClient.IsUnavailable(ex, cancellationToken))
            {
                all = false;
                PlaneSyncLog.Deferred(logger, kind.Name, id, ex.Message);
            }
        }

        if (!all)
        {
            signal.Notify();
        }

        return all ? SyncStatus.Synced : SyncStatus.Pending;
    }
}

internal static class PlaneSyncRegistration
{
    /// <summary>
    /// A kind of synced row: its options section (validated at start-up), the kind, its immediate delivery and its
    /// delivery job.
    /// </summary>
    public static IServiceCollection AddPlaneSync<TKind, TOptions>(this IServiceCollection services, IConfiguration config, string section)
        where TKind : PlaneSyncKind
        where TOptions : PlaneSyncOptions =>
        services.AddJobOptions<TOptions>(config, section)
            .AddSingleton<TKind>()
            .AddSingleton<PlaneSync<TKind>>()
            .AddLeasedJob<PlaneDeliveryJob<TKind>>();
}

/// <summary>The log lines of plane sync, for every kind (the kind is named in each).</summary>
internal static partial class PlaneSyncLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "{Kind} {Id} not delivered yet, queued for the sync worker: {Reason}")]
    public static partial void Deferred(ILogger logger, string kind, string id, string reason);

    [LoggerMessage(EventId = 410, Level = LogLevel.Debug, Message = "Delivered {Kind} {Id} (version {Version}) to the {Plane} plane")]
    public static partial void Delivered(ILogger logger, string kind, string id, long version, string plane);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "{Kind} {Id} ({Plane}) not delivered (attempt {Attempt}), retrying in {DelayMs:0} ms: {Reason}")]
    public static partial void Retrying(ILogger logger, string kind, string id, string plane, long attempt, double delayMs, string reason);
}
