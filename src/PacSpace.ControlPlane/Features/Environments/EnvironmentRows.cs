using System.Data.Common;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>The former entry points of <see cref="EnvironmentStore"/>, for callers that have not moved to it yet.</summary>
internal static class EnvironmentRows
{
    public static Task InsertInitialAsync(DbConnection connection, DbTransaction tx, string tenantId, string userId, TimeProvider time, CancellationToken cancellationToken) =>
        EnvironmentStore.InsertInitialAsync(connection, tx, tenantId, userId, time, cancellationToken);

    public static Task<EnvironmentRow?> GetAsync(DbConnection connection, string tenantId, PacSpaceEnvironment env, CancellationToken cancellationToken) =>
        EnvironmentStore.GetAsync(connection, tenantId, env, cancellationToken);
}
