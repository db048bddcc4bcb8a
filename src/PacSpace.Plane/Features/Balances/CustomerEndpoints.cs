using Microsoft.AspNetCore.Builder;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Balances;

/// <summary>
/// <c>GET /api/v1/balance/customers</c>, <c>/customers/{customerId}</c> and <c>/gaps/{customerId}</c>. A customer exists
/// from its first delta; its ledger identifier is SHA-256 of its id (the key its closing balances are sorted by).
/// </summary>
internal static class CustomerEndpoints
{
    public const string CustomerNotFound = "CUSTOMER_NOT_FOUND";

    public sealed record CustomerSummary(string CustomerId, string LedgerIdentifier, long TotalDeltas, long ComputedBalance, DateTimeOffset FirstDeltaAt, DateTimeOffset LastDeltaAt);

    public sealed record PageInfo(long Total, int Page, int Limit, long TotalPages);

    public sealed record CustomerList(IReadOnlyList<CustomerSummary> Customers, PageInfo Pagination);

    public sealed record PeriodView(string Period, DateTimeOffset StartDate, DateTimeOffset EndDate, long OpeningBalance, long ClosingBalance, long DeltaCount, long NetChange);

    public sealed record ActivityItem(long Delta, string Reason, string? ReferenceId, string Status, DateTimeOffset Time, string RecordId, string ReceiptId, string VerificationReference);

    public sealed record Activity(IReadOnlyList<ActivityItem> Items, PageInfo Pagination);

    public sealed record LatestCheckpoint(string CheckpointId, string ProofRoot, string Period, long ClosingBalance, DateTimeOffset ClosedAt);

    public sealed record CustomerDetail(
        string CustomerId,
        string CustomerReference,
        long TotalDeltas,
        long PendingDeltas,
        long ComputedBalance,
        LatestCheckpoint? LatestCheckpoint,
        PeriodView? Period,
        Activity RecentActivity);

    public sealed record Gap(long FromSequence, long ToSequence);

    public sealed record ChainBreak(long Sequence, long LogIndex, string Issue);

    public sealed record GapsView(string CustomerId, long FromSequence, long ToSequence, long Checked, long LastSequence, bool HasGaps, IReadOnlyList<Gap> Gaps, IReadOnlyList<ChainBreak> ChainBreaks);

    public static void Map(RouteGroupBuilder balance)
    {
        balance.MapGet("/customers", ListAsync).Produces<CustomerList>()
            .QueryParameters(("search", "case-insensitive part of the customer id"), ("page", "from 1 (default 1)"), ("limit", "1–100 (default 25)"));
        balance.MapGet("/customers/{customerId}", DetailAsync).Produces<CustomerDetail>()
            .QueryParameters(("period", "YYYY-MM: the period's figures and activity"), ("deltaPage", "from 1 (default 1)"), ("deltaLimit", "1–100 (default 20)"));
        balance.MapGet("/gaps/{customerId}", GapsAsync).Produces<GapsView>()
            .QueryParameters(("fromSequence", "first customerSeq checked (default 1)"), ("toSequence", "last customerSeq checked (default the latest)"), ("limit", "1–10000 (default 1000)"));
    }

    public static string LedgerIdentifier(string customerId) => Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(customerId)));

    private static async Task<IResult> ListAsync(HttpContext http, Database db, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        var q = new QueryFields(http.Request.Query);
        var search = q.String("search");
        var page = (int)q.Integer("page", 1, 1, 1_000_000);
        var limit = (int)q.Integer("limit", 25, 1, 100);
        if (search is { Length: > 256 })
        {
            q.Errors.Add(new ErrorDetail("search", "must be at most 256 characters"));
        }

        if (q.Errors.Count > 0)
        {
            return Envelope.Fail(Error.Validation(q.Errors));
        }

        // Case-insensitive "contains" on the id; LIKE's own wildcards in the search text are matched literally.
        var pattern = search is null ? null : "%" + search.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var filter = "tenant_id = @tenantId" + (pattern is null ? "" : " AND LOWER(customer_id) LIKE @pattern ESCAPE '\\'");
        var args = new { tenantId = caller.TenantId, pattern, limit, offset = (long)(page - 1) * limit };
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM log_customers WHERE {filter}", args, cancellationToken: ct));
        var rows = await connection.QueryAsync<CustomerRow>(new CommandDefinition(
            $"SELECT customer_id, last_seq, balance, first_at, last_at FROM log_customers WHERE {filter} ORDER BY customer_id LIMIT @limit OFFSET @offset",
            args, cancellationToken: ct));
        return Envelope.Ok(new CustomerList(
            rows.Select(r => new CustomerSummary(r.customer_id, LedgerIdentifier(r.customer_id), r.last_seq, r.balance,
                DateTimeOffset.FromUnixTimeMilliseconds(r.first_at), DateTimeOffset.FromUnixTimeMilliseconds(r.last_at))).ToList(),
            new PageInfo(total, page, limit, (total + limit - 1) / limit)));
    }

    private static async Task<IResult> DetailAsync(string customerId, HttpContext http, Database db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        customerId = RawPath.LastSegment(http, customerId);
        var q = new QueryFields(http.Request.Query);
        var page = (int)q.Integer("deltaPage", 1, 1, 1_000_000);
        var limit = (int)q.Integer("deltaLimit", 20, 1, 100);
        var period = q.String("period");
        Window? window = null;
        if (period is not null)
        {
            var scope = ScopeRules.Resolve(new ScopeFields(period, null, null, null, null, null), false, false, time.GetUtcNow(), q.Errors);
            if (!scope.IsSuccess)
            {
                return Envelope.Fail(scope.Error!);
            }

            window = scope.Value.Window;
        }
        else if (q.Errors.Count > 0)
        {
            return Envelope.Fail(Error.Validation(q.Errors));
        }

        var tenantId = caller.TenantId;
        await using var connection = await db.OpenAsync(ct);
        // Verified figures from the chain head; queued deltas through the (small) queue index.
        var chain = await connection.QueryFirstOrDefaultAsync<CustomerRow>(new CommandDefinition(
            "SELECT customer_id, last_seq, balance, first_at, last_at FROM log_customers WHERE tenant_id = @tenantId AND customer_id = @customerId",
            new { tenantId, customerId }, cancellationToken: ct));
        var pending = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM deltas WHERE tenant_id = @tenantId AND status = 'QUEUED' AND customer_id = @customerId",
            new { tenantId, customerId }, cancellationToken: ct));
        if (chain is null && pending == 0)
        {
            return Envelope.Fail(new Error(404, CustomerNotFound, "No delta was recorded for this customer in this environment."));
        }

        var checkpoint = await connection.QueryFirstOrDefaultAsync<LatestRow>(new CommandDefinition(
            """
            SELECT c.checkpoint_id, c.proof_root, c.period, c.closed_at, b.balance FROM checkpoints c
            JOIN checkpoint_balances b ON b.checkpoint_id = c.checkpoint_id AND b.customer_id = @customerId
            WHERE c.tenant_id = @tenantId ORDER BY c.closed_at DESC, c.created_at DESC LIMIT 1
            """, new { tenantId, customerId }, cancellationToken: ct));

        PeriodView? periodView = null;
        string where;
        long total;
        if (window is not null)
        {
            var a = await ChainReads.BeforeTimeAsync(connection, tenantId, customerId, window.StartMs, ct);
            var b = await ChainReads.BeforeTimeAsync(connection, tenantId, customerId, window.EndMs, ct);
            var (count, net) = ChainReads.Between(a, b);
            periodView = new PeriodView(window.Period, window.Start, window.End, a?.balance_after ?? 0, b?.balance_after ?? a?.balance_after ?? 0, count, net);
            where = "AND recorded_at >= @start AND recorded_at < @end ORDER BY recorded_at DESC, log_index DESC";
            total = count;
        }
        else
        {
            where = "AND log_index IS NOT NULL ORDER BY log_index DESC";
            total = chain?.last_seq ?? 0;
        }

        // VERIFIED deltas, newest first, along the customer's chain indexes; queued ones are counted in pendingDeltas.
        var items = await connection.QueryAsync<LoggedDelta>(new CommandDefinition(
            $"""
            SELECT {LoggedDelta.Columns} FROM deltas WHERE tenant_id = @tenantId AND customer_id = @customerId {where}
            LIMIT @limit OFFSET @offset
            """, new { tenantId, customerId, start = window?.StartMs, end = window?.EndMs, limit, offset = (long)(page - 1) * limit }, cancellationToken: ct));
        var activity = items.Select(d => new ActivityItem(d.amount, d.reason, d.reference_id, d.status,
            DateTimeOffset.FromUnixTimeMilliseconds(d.recorded_at ?? d.created_at), d.record_id, d.receipt_id, d.content_hash)).ToList();

        return Envelope.Ok(new CustomerDetail(customerId, LedgerIdentifier(customerId), chain?.last_seq ?? 0, pending, chain?.balance ?? 0,
            checkpoint is null ? null : new LatestCheckpoint(checkpoint.checkpoint_id, checkpoint.proof_root, checkpoint.period, checkpoint.balance,
                DateTimeOffset.FromUnixTimeMilliseconds(checkpoint.closed_at)),
            periodView, new Activity(activity, new PageInfo(total, page, limit, (total + limit - 1) / limit))));
    }

    /// <summary>
    /// Checks a range of the customer's chain as stored: every sequence number present, each entry pointing at the
    /// previous one's log index, and each running balance equal to the previous plus the delta. The sequencer
    /// writes chains without gaps; this is how a tenant (or an auditor with its rows) confirms it.
    /// </summary>
    private static async Task<IResult> GapsAsync(string customerId, HttpContext http, Database db, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        customerId = RawPath.LastSegment(http, customerId);
        var q = new QueryFields(http.Request.Query);
        var from = q.Integer("fromSequence", 1, 1, long.MaxValue / 2);
        var toGiven = q.String("toSequence") is not null;
        var to = q.Integer("toSequence", long.MaxValue / 2, 1, long.MaxValue / 2);
        var limit = (int)q.Integer("limit", 1000, 1, 10_000);
        if (toGiven && to < from)
        {
            q.Errors.Add(new ErrorDetail("toSequence", "must not be below fromSequence"));
        }

        if (q.Errors.Count > 0)
        {
            return Envelope.Fail(Error.Validation(q.Errors));
        }

        var tenantId = caller.TenantId;
        await using var connection = await db.OpenAsync(ct);
        var last = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT last_seq FROM log_customers WHERE tenant_id = @tenantId AND customer_id = @customerId", new { tenantId, customerId }, cancellationToken: ct));
        if (last is not long lastSeq)
        {
            return Envelope.Fail(new Error(404, CustomerNotFound, "No VERIFIED delta was recorded for this customer in this environment."));
        }

        to = Math.Min(to, lastSeq);
        // One entry before the range too, to check the first entry's link.
        var rows = (await connection.QueryAsync<LinkRow>(new CommandDefinition(
            """
            SELECT customer_seq, log_index, prev_index, amount, balance_after FROM deltas
            WHERE tenant_id = @tenantId AND customer_id = @customerId AND log_index IS NOT NULL AND customer_seq >= @lo AND customer_seq <= @to
            ORDER BY log_index LIMIT @take
            """, new { tenantId, customerId, lo = Math.Max(1, from - 1), to, take = limit + 1 }, cancellationToken: ct))).ToList();

        var gaps = new List<Gap>();
        var breaks = new List<ChainBreak>();
        LinkRow? previous = null;
        var expected = from;
        long checkedCount = 0;
        foreach (var row in rows)
        {
            if (row.customer_seq >= from)
            {
                checkedCount++;
                if (row.customer_seq > expected)
                {
                    gaps.Add(new Gap(expected, row.customer_seq - 1));
                }

                if (row.customer_seq == 1 ? row.prev_index is not null || row.balance_after != row.amount
                    : previous is not null && previous.customer_seq == row.customer_seq - 1
                        && (row.prev_index != previous.log_index || row.balance_after != previous.balance_after + row.amount))
                {
                    breaks.Add(new ChainBreak(row.customer_seq, row.log_index,
                        row.customer_seq == 1 ? "the first entry must have no previous index and a balance equal to its delta"
                            : "the previous index or the running balance does not follow from the previous entry"));
                }

                expected = row.customer_seq + 1;
            }

            previous = row;
        }

        var checkedTo = Math.Min(to, from + limit - 1);
        if (expected <= checkedTo)
        {
            gaps.Add(new Gap(expected, checkedTo));
        }

        return Envelope.Ok(new GapsView(customerId, from, checkedTo, checkedCount, lastSeq, gaps.Count > 0, gaps, breaks));
    }

    private sealed class CustomerRow
    {
        public string customer_id { get; set; } = "";

        public long last_seq { get; set; }

        public long balance { get; set; }

        public long first_at { get; set; }

        public long last_at { get; set; }
    }

    private sealed class LatestRow
    {
        public string checkpoint_id { get; set; } = "";

        public string proof_root { get; set; } = "";

        public string period { get; set; } = "";

        public long closed_at { get; set; }

        public long balance { get; set; }
    }

    private sealed class LinkRow
    {
        public long customer_seq { get; set; }

        public long log_index { get; set; }

        public long? prev_index { get; set; }

        public long amount { get; set; }

        public long balance_after { get; set; }
    }
}
