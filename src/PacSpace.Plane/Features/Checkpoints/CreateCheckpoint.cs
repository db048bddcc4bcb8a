using System.Text.Json;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>Closes a window of the caller's log (default: the current UTC month so far); asking again answers the same checkpoint.</summary>
internal sealed class CreateCheckpoint(PeriodCheckpoints checkpoints, Database db, EntryIds ids)
{
    /// <param name="CustomerId">Whose figures to add, if anyone's.</param>
    /// <param name="Problems">Problems with the other fields, reported together with the scope's.</param>
    /// <param name="BaseUrl">This plane's URL as the caller reached it, for the verify links.</param>
    public sealed record Input(string? CustomerId, ScopeFields Scope, IReadOnlyList<ErrorDetail> Problems, string BaseUrl)
    {
        /// <summary>Reads the checkpoint body; problems are kept for <see cref="HandleAsync"/> to report with the scope's.</summary>
        public static Input Read(FieldReader f, string baseUrl)
        {
            var customerId = f.String("customerId", required: false, 1, NewDelta.MaxCustomerId, trim: false);
            if (f.Raw("mode") is { } mode && !(mode.ValueKind == JsonValueKind.String && mode.GetString() == "period"))
            {
                f.Add("mode", "must be period (a checkpoint covers every VERIFIED delta of its window)");
            }

            if (f.Raw("fingerprints") is not null)
            {
                f.Add("fingerprints", "is not supported: a checkpoint covers every VERIFIED delta of its window, so no subset is chosen");
            }

            var scope = ScopeFields.FromBody(f);
            return new Input(customerId, scope, [.. f.Errors], baseUrl);
        }
    }

    public sealed record Output(CheckpointView Checkpoint, bool Created);

    public async Task<Result<Output>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var made = await checkpoints.GetOrCreateAsync(caller.TenantId, input.Scope, input.Problems, input.CustomerId, ct);
        if (!made.IsSuccess)
        {
            return made.Error!;
        }

        var (row, created) = made.Value;
        CustomerView? customer = null;
        if (input.CustomerId is not null)
        {
            await using var connection = await db.OpenAsync(ct);
            var c = await CustomerView.ReadAsync(connection, await TenantLedgerStore.ScopeAsync(connection, ids, caller.TenantId, ct), row, input.CustomerId, ct);
            if (!c.IsSuccess)
            {
                return c.Error!;
            }

            customer = c.Value;
        }

        return new Output(CheckpointView.Of(row, input.BaseUrl, customer), created);
    }
}
