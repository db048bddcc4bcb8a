using System.Data.Common;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Balances;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>One customer's figures in a checkpoint, with the proof of its closing balance.</summary>
internal sealed record CustomerView(
    string CustomerId,
    long OpeningBalance,
    long ClosingBalance,
    long DeltaCount,
    long NetChange,
    BalanceProof BalanceProof)
{
    /// <summary>A checkpoint of <paramref name="period"/> holds no balance for the customer.</summary>
    public static Error NotFound(string period) => new(404, CustomerIds.NotFound,
        $"The customer has no VERIFIED delta in this environment's log before {period} closed, so the checkpoint holds no balance for it.");

    /// <summary>The customer's figures in <paramref name="row"/>; CUSTOMER_NOT_FOUND when the checkpoint holds no balance for it.</summary>
    public static async Task<Result<CustomerView>> ReadAsync(DbConnection connection, LogScope log, CheckpointRow row, string customerId, CancellationToken ct)
    {
        var proof = await PeriodCheckpoints.BalanceProofAsync(connection, row, customerId, ct);
        if (proof is null)
        {
            return NotFound(row.Period);
        }

        var opening = await DeltaStore.BeforeIndexAsync(connection, log, customerId, row.FromSize, ct);
        var closing = new ChainPoint { CustomerSeq = proof.LastCustomerSeq, BalanceAfter = proof.ClosingBalance, LogIndex = proof.LastIndex };
        var (count, net) = ChainReads.Between(opening, closing);
        return new CustomerView(customerId, opening?.BalanceAfter ?? 0, proof.ClosingBalance, count, net, proof);
    }
}
