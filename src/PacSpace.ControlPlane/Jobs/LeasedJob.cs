namespace PacSpace.ControlPlane.Jobs;

/// <summary>
/// Durable work kept in rows: a loop claims due rows with a lease (owner and expiry written into the row by one
/// conditional UPDATE, so any number of replicas can run the job), runs them, and records each outcome. A runner
/// that dies leaves leases that expire; the next claim picks the work up again. Failures are retried with
/// jittered exponential backoff (<see cref="JobSchedule"/>) until <see cref="JobSchedule.MaxAttempts"/>.
/// </summary>
/// <remarks>
/// Success is recorded by <see cref="RunAsync"/> itself, because only the job knows what the work returned
/// (a ledger, a key version); it must not let shutdown cut that write short, or finished work runs twice.
/// </remarks>
internal abstract class LeasedJob<TItem> : ILeasedJob
    where TItem : IJobItem
{
    public abstract string Name { get; }

    /// <summary>Read once, when the loop starts.</summary>
    public abstract JobSchedule Schedule { get; }

    /// <summary>Wakes the loop before its poll interval is over.</summary>
    public abstract JobSignal Signal { get; }

    /// <summary>Leases up to <paramref name="max"/> due items to <paramref name="owner"/> (see <see cref="Leases"/>).</summary>
    public abstract Task<IReadOnlyList<TItem>> ClaimAsync(string owner, int max, CancellationToken cancellationToken);

    /// <summary>Does the work and records its success; throws on failure. Cancelled only by shutdown, which leaves the lease to expire.</summary>
    public abstract Task RunAsync(string owner, TItem item, CancellationToken cancellationToken);

    /// <summary>Records a failed run: due again at <see cref="JobFailure.RetryAtMs"/>, or given up. Not cancellable, like any outcome.</summary>
    public abstract Task FailAsync(string owner, TItem item, JobFailure failure);

    Task ILeasedJob.LoopAsync(JobRunner runner, CancellationToken stoppingToken) => runner.LoopAsync(this, stoppingToken);
}
