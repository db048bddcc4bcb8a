namespace PacSpace.ControlPlane.Jobs;

/// <summary>A kind of background work that <see cref="JobRunner"/> runs on a loop of its own; implement <see cref="LeasedJob{TItem}"/>.</summary>
internal interface ILeasedJob
{
    /// <summary>For logs: <c>provisioning</c>, <c>key delivery</c>…</summary>
    string Name { get; }

    /// <summary>Runs the job's loop on <paramref name="runner"/> until <paramref name="stoppingToken"/> is cancelled.</summary>
    Task LoopAsync(JobRunner runner, CancellationToken stoppingToken);
}
