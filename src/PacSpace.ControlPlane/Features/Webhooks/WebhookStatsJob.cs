using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Jobs;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// Reads the planes' webhook stats feeds every <see cref="WebhookSyncOptions.StatsPollInterval"/>: delivery figures into
/// <c>successCount</c>, <c>failureCount</c> and <c>lastTriggered</c>, and endpoints a plane disabled (<see cref="RecordDeliveryStats"/>).
/// Nothing is leased: figures only move forward and a disabling happens once (a conditional update), so replicas that read
/// the same page agree.
/// </summary>
internal sealed partial class WebhookStatsJob(
    RecordDeliveryStats record,
    PlaneCursorStore cursors,
    PlaneClient planes,
    JobSignal<WebhookStatsJob> signal,
    IOptions<WebhookSyncOptions> options,
    TimeProvider time,
    ILogger<WebhookStatsJob> logger) : LeasedJob<WebhookStatsJob.Pull>
{
    private const int StatsPage = 1000;

    // Plane clocks of different replicas may disagree a little, and a change may commit after a later one was read:
    // every read starts this far before the cursor.
    private const long StatsOverlapMs = 5_000;

    private DateTimeOffset _nextPull = DateTimeOffset.MinValue;

    /// <summary>One read of one plane's feed; a failed read is not retried before the next interval.</summary>
    internal sealed record Pull(PacSpaceEnvironment Plane) : IJobItem
    {
        public long Attempt => 1;
    }

    public override string Name => "webhook stats";

    public override JobSignal Signal => signal;

    public override JobSchedule Schedule
    {
        get
        {
            var o = options.Value;
            return new(o.WorkerEnabled, o.StatsPollInterval, PacSpaceEnvironments.All.Count, Concurrency: 1, o.InitialBackoff, o.MaxBackoff, MaxAttempts: null);
        }
    }

    /// <summary>Both planes once the interval is over (at once after start-up), else nothing.</summary>
    public override Task<IReadOnlyList<Pull>> ClaimAsync(string owner, int max, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextPull)
        {
            return Task.FromResult<IReadOnlyList<Pull>>([]);
        }

        _nextPull = now + options.Value.StatsPollInterval;
        return Task.FromResult<IReadOnlyList<Pull>>(PacSpaceEnvironments.All.Take(max).Select(p => new Pull(p)).ToList());
    }

    public override async Task RunAsync(string owner, Pull item, CancellationToken cancellationToken)
    {
        var cursor = await cursors.CursorAsync(item.Plane, PlaneFeed.WebhookStats, cancellationToken);
        var after = Math.Max(0, cursor - StatsOverlapMs);
        var afterId = "";
        var highest = cursor;
        while (true)
        {
            var page = await planes.GetWebhookStatsAsync(item.Plane, after, afterId, StatsPage, options.Value.RequestTimeout, cancellationToken);
            if (page.Items.Count > 0)
            {
                var disabled = await record.HandleAsync(new RecordDeliveryStats.Input(item.Plane, page.Items), cancellationToken);
                foreach (var id in disabled)
                {
                    LogDisabled(id, item.Plane.Name());
                }

                var last = page.Items[^1];
                (after, afterId) = (last.ChangedAt, last.Id);
                highest = Math.Max(highest, last.ChangedAt);
            }

            if (page.Items.Count < StatsPage)
            {
                break;
            }
        }

        if (highest != cursor)
        {
            await cursors.AdvanceAsync(item.Plane, PlaneFeed.WebhookStats, highest, cancellationToken);
        }
    }

    public override Task FailAsync(string owner, Pull item, JobFailure failure)
    {
        if (PlaneClient.IsUnavailable(failure.Error, CancellationToken.None))
        {
            LogStatsUnavailable(item.Plane.Name(), failure.Error.Message);
        }
        else
        {
            LogPullFailed(failure.Error, item.Plane.Name());
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Debug, Message = "Webhook stats of the {Plane} plane not read this round: {Reason}")]
    private partial void LogStatsUnavailable(string plane, string reason);

    [LoggerMessage(EventId = 421, Level = LogLevel.Error, Message = "Webhook stats of the {Plane} plane could not be recorded")]
    private partial void LogPullFailed(Exception ex, string plane);

    [LoggerMessage(EventId = 422, Level = LogLevel.Information, Message = "Webhook endpoint {Id} disabled: the {Plane} plane stopped delivering to it")]
    private partial void LogDisabled(string id, string plane);
}
