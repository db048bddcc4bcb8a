using PacSpace.ControlPlane.Jobs;

namespace PacSpace.ControlPlane.Planes;

/// <summary>
/// One kind of row the planes hold copies of (API keys, webhook endpoints): its outbox, its timings, and how its
/// latest state reaches the plane of its environment. <see cref="PlaneSync{TKind}"/> delivers changes while the
/// dashboard call is open, <see cref="PlaneDeliveryJob{TKind}"/> until they arrive, and a starting plane reads what is
/// still pending from the kind's <c>/internal/v1/…/pending</c> route (<see cref="PendingChanges"/>).
/// </summary>
internal abstract class PlaneSyncKind
{
    /// <summary>For logs and the job's name: <c>key</c>, <c>webhook endpoint</c>.</summary>
    public abstract string Name { get; }

    public abstract PlaneOutbox Outbox { get; }

    public abstract PlaneSyncOptions Options { get; }

    /// <summary>The plane of a row, from its stored <c>environment</c> column.</summary>
    public abstract PacSpaceEnvironment PlaneOf(string storedEnvironment);

    /// <summary>
    /// Sends the row's latest state to its plane (within <see cref="JobOptions.RequestTimeout"/>); throws when the plane
    /// does not take it. Null when there is nothing to send: the row is gone.
    /// </summary>
    public abstract Task<long?> PushAsync(string id, CancellationToken cancellationToken);
}

/// <summary>Values of a row's <c>syncStatus</c>.</summary>
internal static class SyncStatus
{
    /// <summary>The plane has the row's latest state.</summary>
    public const string Synced = "synced";

    /// <summary>The latest state is kept in the control database and delivered as soon as the plane answers.</summary>
    public const string Pending = "pending";

    public static string Of(long version, long syncedVersion) => syncedVersion >= version ? Synced : Pending;
}
