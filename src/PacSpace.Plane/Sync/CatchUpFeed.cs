using System.Data.Common;
using System.Net.Http.Json;
using PacSpace.Contracts.Planes;
using PacSpace.Hosting.Json;

namespace PacSpace.Plane.Sync;

/// <summary>
/// One kind of state the control plane delivers to this plane and keeps pending until delivered, read back by
/// <see cref="ControlPlaneCatchUp"/> from <c>GET /internal/v1/{Route}/pending?environment={Environment}</c>.
/// </summary>
internal abstract class CatchUpFeed
{
    /// <summary>For logs: <c>key changes</c>, <c>webhook endpoint changes</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The kind's segment of the control plane's internal routes: <c>keys</c>, <c>webhooks</c>.</summary>
    public abstract string Route { get; }

    /// <summary>This plane's environment as the kind's pending route names it.</summary>
    public abstract string Environment { get; }

    /// <summary>Applies one page's states; returns how many changed something, and the next page's cursor.</summary>
    public abstract Task<(int Applied, string? Next)> ApplyPageAsync(HttpContent content, DbConnection connection, CancellationToken cancellationToken);
}

/// <summary>A feed of <typeparamref name="TState"/> pages (<see cref="SyncPage{T}"/>).</summary>
internal abstract class CatchUpFeed<TState> : CatchUpFeed
{
    public sealed override async Task<(int Applied, string? Next)> ApplyPageAsync(HttpContent content, DbConnection connection, CancellationToken cancellationToken)
    {
        var page = (await content.ReadFromJsonAsync<Envelope>(JsonDefaults.Options, cancellationToken))?.Data
            ?? throw new HttpRequestException("the control plane answered without data");
        var applied = 0;
        foreach (var state in page.Items)
        {
            if (await ApplyAsync(connection, state, cancellationToken))
            {
                applied++;
            }
        }

        return (applied, page.Next);
    }

    /// <summary>Applies one state as the plane's own route would (invalid ones are skipped); true when it changed something.</summary>
    protected abstract Task<bool> ApplyAsync(DbConnection connection, TState state, CancellationToken cancellationToken);

    private sealed record Envelope(SyncPage<TState> Data);
}
