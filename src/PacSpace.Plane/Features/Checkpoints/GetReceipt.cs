using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>
/// A customer's statement for a window (default: the current UTC month), answered on <c>/receipt/{customerId}</c> and
/// <c>/invoice-proof/{customerId}</c>: the window's checkpoint (closed now if none exists yet — idempotent per window),
/// the customer's opening and closing balance with the proof of the closing balance in <c>balancesRoot</c>, and the
/// customer's deltas of the window.
/// </summary>
internal sealed class GetReceipt(PeriodCheckpoints checkpoints, Database db, EntryIds ids)
{
    public const int MaxReceiptDeltas = 100;

    public sealed record Input(string CustomerId, ScopeFields Scope, IReadOnlyList<ErrorDetail> Problems, string BaseUrl);

    public sealed record ReceiptView(
        string CustomerId,
        string Period,
        DateTimeOffset StartDate,
        DateTimeOffset EndDate,
        string CheckpointId,
        string ProofRoot,
        string VerifyUrl,
        string VerificationApiUrl,
        string AccessHint,
        string? CustomerLinkUrl,
        string? CustomerLinkHost,
        long OpeningBalance,
        long ClosingBalance,
        long DeltaCount,
        long NetChange,
        string? LatestReceiptId,
        BalanceProof BalanceProof,
        IReadOnlyList<DeltaItem> Deltas,
        DateTimeOffset ClosedAt);

    public async Task<Result<ReceiptView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var made = await checkpoints.GetOrCreateAsync(caller.TenantId, input.Scope, input.Problems, input.CustomerId, ct);
        if (!made.IsSuccess)
        {
            return made.Error!;
        }

        var row = made.Value.Row;
        var customerId = input.CustomerId;
        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, caller.TenantId, ct);
        var c = await CustomerView.ReadAsync(connection, log, row, customerId, ct);
        if (!c.IsSuccess)
        {
            return c.Error!;
        }

        var customer = c.Value;
        var deltas = (await DeltaStore.RangeAsync(connection, log, customerId, row.FromSize, row.ToSize, MaxReceiptDeltas, 0, ct)).Select(d => d.ToView()).ToList();
        var latest = customer.DeltaCount == 0 ? null : await DeltaStore.ReceiptIdAtAsync(connection, log, customer.BalanceProof.LastIndex, ct);
        var (page, api) = (CheckpointView.PageUrl(input.BaseUrl, row.ProofRoot), CheckpointView.ApiUrl(input.BaseUrl, row.ProofRoot));
        return new ReceiptView(customerId, row.Period, DateTimeOffset.FromUnixTimeMilliseconds(row.WindowStart), DateTimeOffset.FromUnixTimeMilliseconds(row.WindowEnd),
            row.CheckpointId, row.ProofRoot, page, api,
            $"Anyone holding the proofRoot can check this statement without an account: {page} checks it in the browser; GET {api} returns the signed period statement, the balances root and the log's public key; `pacspace verify` checks it, and a delta with its receipt, offline.",
            null, null, customer.OpeningBalance, customer.ClosingBalance, customer.DeltaCount, customer.NetChange, latest, customer.BalanceProof, deltas,
            DateTimeOffset.FromUnixTimeMilliseconds(row.ClosedAt));
    }
}
