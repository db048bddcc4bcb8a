using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// The rule for <c>adjusts</c>: it names a delta already committed in the caller's own log (stored and durable, QUEUED or
/// VERIFIED, as <c>GET /delta/{recordId}</c> shows it) of the same customer. Otherwise the delta is refused with 404
/// <c>NOT_FOUND</c> naming the field, the same answer whether the id is unknown, another tenant's or another customer's.
/// Checked before the delta is queued, and only for deltas that carry an adjusts: deltas are never changed or removed, so
/// what is found here is still there when the group commit writes the delta. The refusal is handed to the writer, which
/// answers a retry of a stored delta first (<see cref="DeltaWriter.WriteAsync"/>).
/// </summary>
internal sealed class AdjustedDeltas(Database db, EntryIds ids)
{
    /// <summary>Why one delta may not be written as it adjusts, or null (also when it adjusts nothing).</summary>
    public async Task<Error?> CheckAsync(string tenantId, NewDelta delta, CancellationToken ct)
    {
        if (delta.Adjusts is null)
        {
            return null;
        }

        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, tenantId, ct);
        return await DeltaStore.HoldsAsync(connection, log, delta.CustomerId, delta.Adjusts, ct) ? null : NotFound("", delta);
    }

    /// <summary>
    /// Per item of a batch, why it may not be written as it adjusts, or null. An item may not adjust another item of the
    /// same batch (named by that item's <c>referenceId</c>): only a delta committed before the batch can be adjusted, and
    /// the answer must not depend on how the batch's items fall into group commits or on an earlier attempt of the batch.
    /// </summary>
    public async Task<Error?[]> CheckAsync(string tenantId, IReadOnlyList<Result<NewDelta>> items, Func<int, string> prefix, CancellationToken ct)
    {
        var refusals = new Error?[items.Count];
        if (!items.Any(d => d.IsSuccess && d.Value.Adjusts is not null))
        {
            return refusals;
        }

        var batchReferences = items.Where(d => d.IsSuccess && d.Value.ReferenceId is not null).Select(d => d.Value.ReferenceId!).ToHashSet(StringComparer.Ordinal);
        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, tenantId, ct);
        for (var i = 0; i < items.Count; i++)
        {
            if (!items[i].IsSuccess || items[i].Value is not { Adjusts: { } adjusts } delta)
            {
                continue;
            }

            if (!adjusts.ByRecordId && batchReferences.Contains(adjusts.Value))
            {
                var field = prefix(i) + "adjusts." + adjusts.Field;
                refusals[i] = Error.Validation(field, "names a delta of this same batch; only a delta recorded before the batch can be adjusted (send the correction in a later request)");
            }
            else if (!await DeltaStore.HoldsAsync(connection, log, delta.CustomerId, adjusts, ct))
            {
                refusals[i] = NotFound(prefix(i), delta);
            }
        }

        return refusals;
    }

    /// <summary>One answer for an id that is unknown, another tenant's or another customer's: nothing tells them apart.</summary>
    private static Error NotFound(string prefix, NewDelta delta)
    {
        var field = prefix + "adjusts." + delta.Adjusts!.Field;
        return new Error(404, ErrorCodes.NotFound, $"The delta to adjust was not found: {field} names no delta recorded for this customer.")
        {
            Details = [new ErrorDetail(field, "names no delta recorded for this customer")],
        };
    }
}
