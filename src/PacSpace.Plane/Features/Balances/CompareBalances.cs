using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Balances;

/// <summary>Two parties' balances of a customer against the neutral one derived from the log over the same scope.</summary>
internal sealed class CompareBalances(Database db, EntryIds ids, TimeProvider time)
{
    /// <param name="Problems">Problems with the other fields, reported together with the scope's.</param>
    public sealed record Input(string? CustomerId, long? YourBalance, long? TheirBalance, long StartingBalance, ScopeFields Scope, IReadOnlyList<ErrorDetail> Problems)
    {
        /// <summary>Reads the compare body; problems are kept for <see cref="HandleAsync"/> to report with the scope's.</summary>
        public static Input Read(FieldReader f)
        {
            var customerId = f.String("customerId", required: true, 1, NewDelta.MaxCustomerId, trim: false);
            var yours = f.Integer("yourBalance", required: true, -DeriveBalance.MaxBalance, DeriveBalance.MaxBalance);
            var theirs = f.Integer("theirBalance", required: true, -DeriveBalance.MaxBalance, DeriveBalance.MaxBalance);
            var startingBalance = f.Integer("startingBalance", required: false, -DeriveBalance.MaxBalance, DeriveBalance.MaxBalance) ?? 0;
            var scope = ScopeFields.FromBody(f);
            return new Input(customerId, yours, theirs, startingBalance, scope, [.. f.Errors]);
        }
    }

    public sealed record CompareView(
        string CustomerId,
        long NeutralBalance,
        long YourBalance,
        long TheirBalance,
        bool MatchesYours,
        bool MatchesTheirs,
        long YourDifference,
        long TheirDifference,
        long StartingBalance,
        long DeltasCount,
        string? LatestReceiptId,
        ScopeView Scope);

    public async Task<Result<CompareView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        // With no problem reported, the required fields are all there.
        var scope = ScopeRules.Resolve(input.Scope, allowStartingPoint: true, defaultWindow: true, time.GetUtcNow(), [.. input.Problems]);
        if (!scope.IsSuccess)
        {
            return scope.Error!;
        }

        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, caller.TenantId, ct);
        var derived = await ChainReads.DeriveAsync(connection, log, input.CustomerId!, scope.Value, input.StartingBalance, ct);
        if (!derived.IsSuccess)
        {
            return derived.Error!;
        }

        var d = derived.Value;
        var (yours, theirs) = (input.YourBalance!.Value, input.TheirBalance!.Value);
        return new CompareView(input.CustomerId!, d.Balance, yours, theirs, yours == d.Balance, theirs == d.Balance,
            yours - d.Balance, theirs - d.Balance, input.StartingBalance, d.Count, d.LatestReceiptId, scope.Value.Describe());
    }
}
