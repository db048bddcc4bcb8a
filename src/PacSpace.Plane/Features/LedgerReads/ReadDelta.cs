using Microsoft.Extensions.Options;
using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// One of a tenant's deltas in this environment (<c>GET /internal/v1/tenants/{tenantId}/deltas/{recordId}</c>): what the Balance
/// API's <see cref="GetDelta"/> answers the tenant's keys, so the dashboard shows the same status, content and proof (its
/// <c>verifyUrl</c> included). Another tenant's record id is a 404 like an unknown one.
/// </summary>
internal sealed class ReadDelta(GetDelta delta, IOptions<PlaneOptions> options)
{
    public sealed record Input(string TenantId, string RecordId);

    public async Task<Result<DeltaDetail>> HandleAsync(Input input, CancellationToken ct)
    {
        var found = await delta.HandleAsync(ApiCaller.ForTenant(input.TenantId, options.Value.EnvironmentName), new GetDelta.Input(input.RecordId), ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var d = found.Value;
        var content = d.Content;
        var reason = content.TryGetProperty("reason", out var r) ? r.GetString() ?? "" : "";
        var reference = content.TryGetProperty("referenceId", out var x) && x.ValueKind == System.Text.Json.JsonValueKind.String ? x.GetString() : null;
        return new DeltaDetail(d.RecordId, d.ReceiptId, d.Status, d.CustomerId, d.Delta, reason, reference, d.ContentHash, d.ContentVersion, d.SequenceNumber,
            d.VerifiedAt,
            d.Proof is { } p ? new DeltaProof(p.LogIndex, p.TreeSize, p.CustomerSeq, p.PrevCustomerIndex, p.BalanceAfter, p.RecordedAt, p.VerifyUrl) : null,
            content);
    }
}
