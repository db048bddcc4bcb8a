using Microsoft.AspNetCore.Builder;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.Plane.Features.Balances;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>
/// <c>POST /api/v1/balance/checkpoint</c>, <c>GET /checkpoints</c>, and the customer receipts built on them:
/// <c>GET /receipt/{customerId}</c> and <c>GET /invoice-proof/{customerId}</c>.
/// </summary>
internal static class CheckpointEndpoints
{
    public const int MaxReceiptDeltas = 100;

    /// <summary>The checkpoint body (optional; <c>{}</c> closes the current UTC month so far), for the OpenAPI document.</summary>
    public sealed record CheckpointRequest(string? CustomerId, string? Period, string? TimePreset, string? StartDate, string? EndDate, string? Mode);

    public sealed record ConsistencyView(long FromSize, long ToSize, string PrevRoot, IReadOnlyList<string> Proof);

    public sealed record CustomerView(
        string CustomerId,
        long OpeningBalance,
        long ClosingBalance,
        long DeltaCount,
        long NetChange,
        BalanceProof BalanceProof);

    public sealed record CheckpointView(
        string CheckpointId,
        string Status,
        string ProofRoot,
        string Period,
        string? TimePreset,
        DateTimeOffset StartDate,
        DateTimeOffset EndDate,
        long FromSize,
        long ToSize,
        long DeltaCount,
        long NetChange,
        long CustomerCount,
        string BalancesRoot,
        DateTimeOffset ClosedAt,
        DateTimeOffset CreatedAt,
        string VerifyUrl,
        string VerificationApiUrl,
        string Checkpoint,
        JsonElement Statement,
        string Signature,
        ConsistencyView ConsistencyFromPrevious,
        CustomerView? Customer);

    public sealed record CheckpointList(IReadOnlyList<CheckpointView> Checkpoints, DeriveEndpoints.PageView Pagination);

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

    public static void Map(RouteGroupBuilder balance)
    {
        balance.MapPost("/checkpoint", CreateAsync).AcceptsJson<CheckpointRequest>().Produces<CheckpointView>(201);
        balance.MapGet("/checkpoints", ListAsync).Produces<CheckpointList>()
            .QueryParameters(("customerId", "only checkpoints holding this customer's balance"), ("period", "YYYY-MM: one UTC calendar month"), ("timePreset", "current_month, previous_month, last_7_days, last_30_days, last_90_days, last_12_months or custom"), ("startDate", "ISO 8601 start (inclusive) of a custom window"), ("endDate", "ISO 8601 end (exclusive) of a custom window"), ("limit", "1–100 (default 20)"), ("offset", "default 0"));
        balance.MapGet("/receipt/{customerId}", ReceiptAsync).Produces<ReceiptView>().QueryParameters(("period", "YYYY-MM: one UTC calendar month"), ("timePreset", "current_month, previous_month, last_7_days, last_30_days, last_90_days, last_12_months or custom"), ("startDate", "ISO 8601 start (inclusive) of a custom window"), ("endDate", "ISO 8601 end (exclusive) of a custom window"));
        balance.MapGet("/invoice-proof/{customerId}", ReceiptAsync).Produces<ReceiptView>().QueryParameters(("period", "YYYY-MM: one UTC calendar month"), ("timePreset", "current_month, previous_month, last_7_days, last_30_days, last_90_days, last_12_months or custom"), ("startDate", "ISO 8601 start (inclusive) of a custom window"), ("endDate", "ISO 8601 end (exclusive) of a custom window"));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, PeriodCheckpoints checkpoints, Database db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        var body = await JsonBody.ReadOptionalAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var f = body.Value;
        var customerId = f.String("customerId", required: false, 1, Deltas.NewDelta.MaxCustomerId, trim: false);
        if (f.Raw("mode") is { } mode && !(mode.ValueKind == JsonValueKind.String && mode.GetString() == "period"))
        {
            f.Add("mode", "must be period (a checkpoint covers every VERIFIED delta of its window)");
        }

        if (f.Raw("fingerprints") is not null)
        {
            f.Add("fingerprints", "is not supported: a checkpoint covers every VERIFIED delta of its window, so no subset is chosen");
        }

        var fields = ScopeFields.FromBody(f);
        var scope = ScopeRules.Resolve(fields, allowStartingPoint: false, defaultWindow: true, time.GetUtcNow(), f.Errors.ToList());
        if (!scope.IsSuccess)
        {
            return Envelope.Fail(scope.Error!);
        }

        var made = await checkpoints.GetOrCreateAsync(caller.TenantId, scope.Value.Window!, ct);
        if (!made.IsSuccess)
        {
            return Envelope.Fail(made.Error!);
        }

        var (row, created) = made.Value;
        CustomerView? customer = null;
        if (customerId is not null)
        {
            await using var connection = await db.OpenAsync(ct);
            var c = await CustomerAsync(connection, row, customerId, ct);
            if (!c.IsSuccess)
            {
                return Envelope.Fail(c.Error!);
            }

            customer = c.Value;
        }

        return Envelope.Ok(ToView(row, BaseUrl(http), customer), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> ListAsync(HttpContext http, Database db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        var q = new QueryFields(http.Request.Query);
        var customerId = q.String("customerId");
        var limit = (int)q.Integer("limit", 20, 1, 100);
        var offset = q.Integer("offset", 0, 0, 1_000_000_000);
        var scope = ScopeRules.Resolve(ScopeFields.FromQuery(q), allowStartingPoint: false, defaultWindow: false, time.GetUtcNow(), q.Errors);
        if (!scope.IsSuccess)
        {
            return Envelope.Fail(scope.Error!);
        }

        var window = scope.Value.Window;
        var filter = "c.tenant_id = @tenantId"
            + (window is null ? "" : " AND c.window_start = @start AND c.window_end = @end")
            + (customerId is null ? "" : " AND EXISTS (SELECT 1 FROM checkpoint_balances b WHERE b.checkpoint_id = c.checkpoint_id AND b.customer_id = @customerId)");
        var args = new { tenantId = caller.TenantId, start = window?.StartMs, end = window?.EndMs, customerId, limit, offset };
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM checkpoints c WHERE {filter}", args, cancellationToken: ct));
        var rows = (await connection.QueryAsync<CheckpointRow>(new CommandDefinition(
            $"SELECT {string.Join(", ", CheckpointRow.Columns.Split(", ").Select(c => "c." + c))} FROM checkpoints c WHERE {filter} ORDER BY c.created_at DESC, c.checkpoint_id DESC LIMIT @limit OFFSET @offset",
            args, cancellationToken: ct))).ToList();
        var baseUrl = BaseUrl(http);
        var views = new List<CheckpointView>(rows.Count);
        foreach (var row in rows)
        {
            views.Add(ToView(row, baseUrl, customerId is null ? null : (await CustomerAsync(connection, row, customerId, ct)).Value));
        }

        return Envelope.Ok(new CheckpointList(views, new DeriveEndpoints.PageView(limit, offset, total)));
    }

    /// <summary>
    /// A customer's statement for a window (default: the current UTC month): the window's checkpoint (closed now if
    /// none exists yet — idempotent per window), the customer's opening and closing balance with the proof of the
    /// closing balance in <c>balancesRoot</c>, and the customer's deltas of the window.
    /// </summary>
    private static async Task<IResult> ReceiptAsync(string customerId, HttpContext http, PeriodCheckpoints checkpoints, Database db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        customerId = RawPath.LastSegment(http, customerId);
        var q = new QueryFields(http.Request.Query);
        DeriveEndpoints.CheckCustomerId(customerId, q.Errors);
        var scope = ScopeRules.Resolve(ScopeFields.FromQuery(q), allowStartingPoint: false, defaultWindow: true, time.GetUtcNow(), q.Errors);
        if (!scope.IsSuccess)
        {
            return Envelope.Fail(scope.Error!);
        }

        var made = await checkpoints.GetOrCreateAsync(caller.TenantId, scope.Value.Window!, ct);
        if (!made.IsSuccess)
        {
            return Envelope.Fail(made.Error!);
        }

        var row = made.Value.Row;
        await using var connection = await db.OpenAsync(ct);
        var c = await CustomerAsync(connection, row, customerId, ct);
        if (!c.IsSuccess)
        {
            return Envelope.Fail(c.Error!);
        }

        var customer = c.Value;
        var deltas = (await connection.QueryAsync<LoggedDelta>(new CommandDefinition(
            $"""
            SELECT {LoggedDelta.Columns} FROM deltas WHERE tenant_id = @tenantId AND customer_id = @customerId AND log_index >= @from AND log_index < @to
            ORDER BY log_index LIMIT {MaxReceiptDeltas}
            """, new { tenantId = caller.TenantId, customerId, from = row.from_size, to = row.to_size }, cancellationToken: ct))).Select(d => d.ToView()).ToList();
        var latest = customer.DeltaCount == 0 ? null : await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT receipt_id FROM deltas WHERE tenant_id = @tenantId AND log_index = @index", new { tenantId = caller.TenantId, index = customer.BalanceProof.LastIndex },
            cancellationToken: ct));
        var urls = Urls(BaseUrl(http), row.proof_root);
        return Envelope.Ok(new ReceiptView(customerId, row.period, DateTimeOffset.FromUnixTimeMilliseconds(row.window_start), DateTimeOffset.FromUnixTimeMilliseconds(row.window_end),
            row.checkpoint_id, row.proof_root, urls.Verify, urls.Api,
            $"Anyone holding the proofRoot can check this statement without an account: GET {urls.Api} returns the signed period statement, the balances root and the log's public key; `pacspace verify` checks a delta and its receipt offline.",
            null, null, customer.OpeningBalance, customer.ClosingBalance, customer.DeltaCount, customer.NetChange, latest, customer.BalanceProof, deltas,
            DateTimeOffset.FromUnixTimeMilliseconds(row.closed_at)));
    }

    private static async Task<Result<CustomerView>> CustomerAsync(DbConnection connection, CheckpointRow row, string customerId, CancellationToken ct)
    {
        var proof = await PeriodCheckpoints.BalanceProofAsync(connection, row, customerId, ct);
        if (proof is null)
        {
            return new Error(404, "CUSTOMER_NOT_FOUND",
                $"The customer has no VERIFIED delta in this environment's log before {row.period} closed, so the checkpoint holds no balance for it.");
        }

        var opening = await ChainReads.BeforeIndexAsync(connection, row.tenant_id, customerId, row.from_size, ct);
        var closing = new ChainPoint { customer_seq = proof.LastCustomerSeq, balance_after = proof.ClosingBalance, log_index = proof.LastIndex };
        var (count, net) = ChainReads.Between(opening, closing);
        return new CustomerView(customerId, opening?.balance_after ?? 0, proof.ClosingBalance, count, net, proof);
    }

    public static CheckpointView ToView(CheckpointRow row, string baseUrl, CustomerView? customer)
    {
        var urls = Urls(baseUrl, row.proof_root);
        using var statement = JsonDocument.Parse(row.statement);
        return new CheckpointView(row.checkpoint_id, "VERIFIED", row.proof_root, row.period, row.time_preset,
            DateTimeOffset.FromUnixTimeMilliseconds(row.window_start), DateTimeOffset.FromUnixTimeMilliseconds(row.window_end), row.from_size, row.to_size,
            row.delta_count, row.net_change, row.customer_count, row.balances_root, DateTimeOffset.FromUnixTimeMilliseconds(row.closed_at),
            DateTimeOffset.FromUnixTimeMilliseconds(row.created_at), urls.Verify, urls.Api, row.note, statement.RootElement.Clone(), row.signature,
            Consistency(row), customer);
    }

    public static ConsistencyView Consistency(CheckpointRow row) =>
        new(row.from_size, row.to_size, row.prev_root, JsonSerializer.Deserialize<List<string>>(row.consistency) ?? []);

    /// <summary>The plane's own URL as the caller reached it (verification needs no other host).</summary>
    public static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    private static (string Verify, string Api) Urls(string baseUrl, string proofRoot)
    {
        var api = $"{baseUrl}/api/v1/verify/{proofRoot}";
        return (api, api);
    }
}
