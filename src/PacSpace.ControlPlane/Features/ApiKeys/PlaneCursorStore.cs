using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Owner of <c>plane_cursors</c>: how far the control plane has read each plane's key-usage feed.</summary>
internal sealed class PlaneCursorStore(Database db)
{
    /// <summary>The feed position (the plane's flush time, Unix ms) read up to; 0 before the first read.</summary>
    public async Task<long> UsageCursorAsync(PacSpaceEnvironment plane, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT usage_after FROM plane_cursors WHERE plane = @plane", new { plane = plane.Name() }, cancellationToken: cancellationToken)) ?? 0;
    }

    /// <summary>Moves the cursor forward to <paramref name="highest"/>; never back.</summary>
    public async Task AdvanceUsageCursorAsync(PacSpaceEnvironment plane, long highest, CancellationToken cancellationToken)
    {
        var name = plane.Name();
        await using var connection = await db.OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE plane_cursors SET usage_after = @highest WHERE plane = @plane AND usage_after < @highest",
            new { plane = name, highest }, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO plane_cursors (plane, usage_after) VALUES (@plane, @highest)", new { plane = name, highest }, cancellationToken: cancellationToken));
            }
            catch (Exception ex) when (Database.IsUniqueViolation(ex))
            {
                // Another replica recorded a cursor first; either value is safe to resume from.
            }
        }
    }
}
