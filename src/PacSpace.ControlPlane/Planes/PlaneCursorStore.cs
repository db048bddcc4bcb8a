using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Planes;

/// <summary>The feeds of a plane that the control plane reads into its own rows, each with its cursor in <c>plane_cursors</c>.</summary>
internal enum PlaneFeed
{
    /// <summary><c>GET /internal/v1/keys/usage</c>: keys' <c>lastUsedAt</c>, by flush time.</summary>
    KeyUsage,

    /// <summary><c>GET /internal/v1/webhooks/stats</c>: webhook endpoints' delivery counts and disabling, by change time.</summary>
    WebhookStats,
}

/// <summary>Owner of <c>plane_cursors</c>: how far the control plane has read each feed of each plane.</summary>
internal sealed class PlaneCursorStore(Database db)
{
    /// <summary>The feed position (the plane's clock, Unix ms) read up to; 0 before the first read.</summary>
    public async Task<long> CursorAsync(PacSpaceEnvironment plane, PlaneFeed feed, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT {Column(feed)} FROM plane_cursors WHERE plane = @plane", new { plane = plane.Name() }, cancellationToken: cancellationToken)) ?? 0;
    }

    /// <summary>Moves the feed's cursor forward to <paramref name="highest"/>; never back.</summary>
    public async Task AdvanceAsync(PacSpaceEnvironment plane, PlaneFeed feed, long highest, CancellationToken cancellationToken)
    {
        var name = plane.Name();
        var column = Column(feed);
        var update = new CommandDefinition(
            $"UPDATE plane_cursors SET {column} = @highest WHERE plane = @plane AND {column} < @highest",
            new { plane = name, highest }, cancellationToken: cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await connection.ExecuteAsync(update) > 0
            || await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM plane_cursors WHERE plane = @plane", new { plane = name }, cancellationToken: cancellationToken)) > 0)
        {
            return;
        }

        try
        {
            // The row holds every feed's cursor; the others start at 0.
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO plane_cursors (plane, usage_after, webhook_stats_after) VALUES (@plane, @usage, @stats)",
                new
                {
                    plane = name,
                    usage = feed == PlaneFeed.KeyUsage ? highest : 0,
                    stats = feed == PlaneFeed.WebhookStats ? highest : 0,
                }, cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (Database.IsUniqueViolation(ex))
        {
            // Another replica, or the other feed, made the row first: move this feed's cursor in it.
            await connection.ExecuteAsync(update);
        }
    }

    private static string Column(PlaneFeed feed) => feed switch
    {
        PlaneFeed.KeyUsage => "usage_after",
        PlaneFeed.WebhookStats => "webhook_stats_after",
        _ => throw new ArgumentOutOfRangeException(nameof(feed)),
    };
}
