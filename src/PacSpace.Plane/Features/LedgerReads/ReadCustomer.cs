using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Balances;
using PacSpace.Plane.Features.Checkpoints;
using PacSpace.Plane.Features.Customers;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// One customer of a tenant in this environment (<c>GET /internal/v1/tenants/{tenantId}/customers/{customerId}</c>): its
/// profile, VERIFIED figures from its chain head, the deltas still queued, one page of its deltas newest first along its
/// chain (QUEUED ones included, each with the running balance it was committed with) and the newest checkpoints holding its
/// balance. A customer neither created nor seen in a delta of the tenant here is a 404, whatever another tenant has.
/// </summary>
internal sealed class ReadCustomer(Database db, EntryIds ids)
{
    /// <summary>Checkpoints shown with a customer (the checkpoint list has them all).</summary>
    public const int Checkpoints = 10;

    public sealed record Input(string TenantId, string CustomerId, string? Cursor, int Limit, IReadOnlyList<ErrorDetail> Problems);

    public async Task<Result<CustomerDetail>> HandleAsync(Input input, CancellationToken ct)
    {
        var problems = input.Problems.ToList();
        CustomerIds.Check(input.CustomerId, problems);
        var key = input.Cursor is null ? null : ReadCursor.Read(input.Cursor, 1, problems);
        var before = key is null ? null : ReadCursor.Whole(key[0], problems);
        if (problems.Count > 0)
        {
            return Error.Validation(problems);
        }

        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, input.TenantId, ct);
        var customerId = input.CustomerId;
        var chain = log.LedgerNo < 0 ? null : await LogCustomerStore.FindAsync(connection, log, customerId, ct);
        var pending = log.LedgerNo < 0 ? 0 : await DeltaStore.CountQueuedAsync(connection, log, customerId, ct);
        var profile = log.LedgerNo < 0 ? null : await CustomerProfileStore.FindAsync(connection, log.LedgerNo, customerId, ct);
        if (chain is null && pending == 0 && profile is null)
        {
            return new Error(404, CustomerIds.NotFound, "No customer with this id was created, and no delta was recorded for it, in this environment.");
        }

        var deltas = await DeltaPages.NewestFirstAsync(connection, log, customerId, 0, Math.Min(before ?? long.MaxValue, log.NextIndex), input.Limit, ct);
        var checkpoints = (await CheckpointStore.ForCustomerAsync(connection, input.TenantId, customerId, Checkpoints, ct))
            .Select(c => new CustomerCheckpoint(c.Checkpoint.CheckpointId, c.Checkpoint.Period, DateTimeOffset.FromUnixTimeMilliseconds(c.Checkpoint.WindowStart),
                DateTimeOffset.FromUnixTimeMilliseconds(c.Checkpoint.WindowEnd), c.Checkpoint.ProofRoot, c.Balance, c.CustomerSeq,
                DateTimeOffset.FromUnixTimeMilliseconds(c.Checkpoint.ClosedAt), CheckpointView.PageUrl("", c.Checkpoint.ProofRoot)))
            .ToList();
        return new CustomerDetail(customerId, profile?.DisplayName, profile?.UnitLabel, chain?.Balance ?? 0, chain?.LastSeq ?? 0, pending,
            ReadCustomers.Time(chain?.FirstAt), ReadCustomers.Time(chain?.LastAt),
            profile is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(profile.CreatedAt), deltas, checkpoints);
    }
}
