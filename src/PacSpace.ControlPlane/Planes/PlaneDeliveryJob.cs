using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PacSpace.ControlPlane.Jobs;

namespace PacSpace.ControlPlane.Planes;

/// <summary>
/// The durable half of plane sync: delivers every row of one kind whose <c>version</c> is ahead of
/// <c>synced_version</c> to the plane of its environment, retrying with capped backoff for as long as it takes (a plane
/// must learn a revocation or a deletion however late). <see cref="PlaneSync{TKind}"/> tries first, while the
/// dashboard call is open.
/// </summary>
internal sealed class PlaneDeliveryJob<TKind>(TKind kind, JobSignal<PlaneDeliveryJob<TKind>> signal, ILogger<TKind> logger)
    : LeasedJob<PlaneDeliveryJob<TKind>.Delivery>
    where TKind : PlaneSyncKind
{
    private const int Batch = 100;

    /// <param name="Round">Shared by the rows of one claim.</param>
    internal sealed record Delivery(string Id, PacSpaceEnvironment Plane, long Attempt, Round Round) : IJobItem;

    /// <summary>
    /// The planes that failed during one claim's deliveries: one failed call per plane per round, the rest of that
    /// plane's rows wait for the next round instead of each waiting out its own timeout.
    /// </summary>
    internal sealed class Round
    {
        public ConcurrentDictionary<PacSpaceEnvironment, string> Unreachable { get; } = new();
    }

    public override string Name => kind.Name + " delivery";

    public override JobSignal Signal => signal;

    public override JobSchedule Schedule
    {
        get
        {
            var o = kind.Options;
            return new(o.WorkerEnabled, o.PollInterval, Batch, Concurrency: 1, o.InitialBackoff, o.MaxBackoff, MaxAttempts: null);
        }
    }

    public override async Task<IReadOnlyList<Delivery>> ClaimAsync(string owner, int max, CancellationToken cancellationToken)
    {
        var round = new Round();
        var due = await kind.Outbox.ClaimDueAsync(owner, max, kind.Options.LeaseDuration, cancellationToken);
        return due.Select(d => new Delivery(d.Id, kind.PlaneOf(d.Environment), d.Attempts + 1, round)).ToList();
    }

    public override async Task RunAsync(string owner, Delivery item, CancellationToken cancellationToken)
    {
        if (item.Round.Unreachable.TryGetValue(item.Plane, out var failure))
        {
            throw new HttpRequestException(failure);
        }

        long? version;
        try
        {
            version = await kind.PushAsync(item.Id, cancellationToken);
        }
        catch (Exception ex) when (PlaneClient.IsUnavailable(ex, cancellationToken))
        {
            item.Round.Unreachable.TryAdd(item.Plane, ex.Message);
            throw;
        }

        if (version is long delivered)
        {
            await kind.Outbox.MarkDeliveredAsync(item.Id, delivered);
            PlaneSyncLog.Delivered(logger, kind.Name, item.Id, delivered, item.Plane.Name());
        }
    }

    public override async Task FailAsync(string owner, Delivery item, JobFailure failure)
    {
        var reason = failure.Error.Message;
        await kind.Outbox.RecordFailureAsync(item.Id, owner, failure.RetryAtMs!.Value, reason);
        PlaneSyncLog.Retrying(logger, kind.Name, item.Id, item.Plane.Name(), item.Attempt, failure.RetryIn!.Value.TotalMilliseconds, reason);
    }
}
