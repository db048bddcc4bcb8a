using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Jobs;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// Reads the planes' key-usage feeds into <c>lastUsedAt</c>, every <see cref="KeySyncOptions.UsagePollInterval"/>.
/// Nothing is leased: the updates only move values forward, so replicas that read the same page agree.
/// </summary>
internal sealed partial class KeyUsageJob(
    ApiKeyStore keys,
    PlaneCursorStore cursors,
    PlaneClient planes,
    JobSignal<KeyUsageJob> signal,
    IOptions<KeySyncOptions> options,
    TimeProvider time,
    ILogger<KeyUsageJob> logger) : LeasedJob<KeyUsageJob.Pull>
{
    private const int UsagePage = 1000;

    // Plane clocks of different replicas may disagree a little: every read starts this far before the cursor.
    private const long UsageOverlapMs = 5_000;

    private DateTimeOffset _nextPull = DateTimeOffset.MinValue;

    /// <summary>One read of one plane's feed; a failed read is not retried before the next interval.</summary>
    internal sealed record Pull(PacSpaceEnvironment Plane) : IJobItem
    {
        public long Attempt => 1;
    }

    public override string Name => "key usage";

    public override JobSignal Signal => signal;

    public override JobSchedule Schedule
    {
        get
        {
            var o = options.Value;
            return new(o.WorkerEnabled, o.UsagePollInterval, PacSpaceEnvironments.All.Count, Concurrency: 1, o.InitialBackoff, o.MaxBackoff, MaxAttempts: null);
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

        _nextPull = now + options.Value.UsagePollInterval;
        return Task.FromResult<IReadOnlyList<Pull>>(PacSpaceEnvironments.All.Take(max).Select(p => new Pull(p)).ToList());
    }

    public override async Task RunAsync(string owner, Pull item, CancellationToken cancellationToken)
    {
        var cursor = await cursors.CursorAsync(item.Plane, PlaneFeed.KeyUsage, cancellationToken);
        var after = Math.Max(0, cursor - UsageOverlapMs);
        var afterId = "";
        var highest = cursor;
        while (true)
        {
            var page = await planes.GetUsageAsync(item.Plane, after, afterId, UsagePage, options.Value.RequestTimeout, cancellationToken);
            if (page.Items.Count > 0)
            {
                await keys.RecordUsageAsync(page.Items, cancellationToken);
                var last = page.Items[^1];
                (after, afterId) = (last.FlushedAt, last.PublicId);
                highest = Math.Max(highest, last.FlushedAt);
            }

            if (page.Items.Count < UsagePage)
            {
                break;
            }
        }

        if (highest != cursor)
        {
            await cursors.AdvanceAsync(item.Plane, PlaneFeed.KeyUsage, highest, cancellationToken);
        }
    }

    public override Task FailAsync(string owner, Pull item, JobFailure failure)
    {
        if (PlaneClient.IsUnavailable(failure.Error, CancellationToken.None))
        {
            LogUsageUnavailable(item.Plane.Name(), failure.Error.Message);
        }
        else
        {
            LogPullFailed(failure.Error, item.Plane.Name());
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 412, Level = LogLevel.Debug, Message = "Key usage of the {Plane} plane not read this round: {Reason}")]
    private partial void LogUsageUnavailable(string plane, string reason);

    [LoggerMessage(EventId = 413, Level = LogLevel.Error, Message = "Key usage of the {Plane} plane could not be recorded")]
    private partial void LogPullFailed(Exception ex, string plane);
}
