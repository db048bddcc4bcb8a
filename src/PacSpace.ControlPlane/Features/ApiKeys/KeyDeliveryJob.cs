using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Jobs;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// The durable half of key sync: delivers every key whose <c>version</c> is ahead of <c>synced_version</c> to the
/// plane of its environment, retrying with capped backoff for as long as it takes (a plane must learn a
/// revocation however late). <see cref="KeySync"/> tries first, while the dashboard call is open.
/// </summary>
internal sealed partial class KeyDeliveryJob(
    ApiKeyStore keys,
    PlaneClient planes,
    JobSignal<KeyDeliveryJob> signal,
    IOptions<KeySyncOptions> options,
    ILogger<KeyDeliveryJob> logger) : LeasedJob<KeyDeliveryJob.Delivery>
{
    private const int Batch = 100;

    /// <param name="Round">Shared by the keys of one claim.</param>
    internal sealed record Delivery(string KeyId, string Environment, long Attempt, Round Round) : IJobItem;

    /// <summary>
    /// The planes that failed during one claim's deliveries: one failed call per plane per round, the rest of
    /// that plane's keys wait for the next round instead of each waiting out its own timeout.
    /// </summary>
    internal sealed class Round
    {
        public ConcurrentDictionary<string, string> Unreachable { get; } = new(StringComparer.Ordinal);
    }

    public override string Name => "key delivery";

    public override JobSignal Signal => signal;

    public override JobSchedule Schedule
    {
        get
        {
            var o = options.Value;
            return new(o.WorkerEnabled, o.PollInterval, Batch, Concurrency: 1, o.InitialBackoff, o.MaxBackoff, MaxAttempts: null);
        }
    }

    public override async Task<IReadOnlyList<Delivery>> ClaimAsync(string owner, int max, CancellationToken cancellationToken)
    {
        var round = new Round();
        var due = await keys.ClaimDueDeliveriesAsync(owner, max, options.Value.LeaseDuration, cancellationToken);
        return due.Select(d => new Delivery(d.Id, d.Environment, d.Attempts + 1, round)).ToList();
    }

    public override async Task RunAsync(string owner, Delivery item, CancellationToken cancellationToken)
    {
        if (item.Round.Unreachable.TryGetValue(item.Environment, out var failure))
        {
            throw new HttpRequestException(failure);
        }

        var state = await keys.DeliveryStateAsync(item.KeyId, cancellationToken);
        if (state is null)
        {
            return;
        }

        try
        {
            await planes.PutKeyAsync(state, options.Value.RequestTimeout, cancellationToken);
        }
        catch (Exception ex) when (PlaneClient.IsUnavailable(ex, cancellationToken))
        {
            item.Round.Unreachable.TryAdd(item.Environment, ex.Message);
            throw;
        }

        await keys.MarkDeliveredAsync(item.KeyId, state.Version);
        LogDelivered(item.KeyId, state.Environment, state.State);
    }

    public override async Task FailAsync(string owner, Delivery item, JobFailure failure)
    {
        var reason = failure.Error.Message;
        await keys.RecordDeliveryFailureAsync(item.KeyId, owner, failure.RetryAtMs!.Value, reason);
        LogRetrying(item.KeyId, item.Environment, item.Attempt, failure.RetryIn!.Value.TotalMilliseconds, reason);
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Debug, Message = "Delivered key {KeyId} ({Environment}, {State})")]
    private partial void LogDelivered(string keyId, string environment, string state);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "Key {KeyId} ({Environment}) not delivered (attempt {Attempt}), retrying in {DelayMs:0} ms: {Reason}")]
    private partial void LogRetrying(string keyId, string environment, long attempt, double delayMs, string reason);
}
