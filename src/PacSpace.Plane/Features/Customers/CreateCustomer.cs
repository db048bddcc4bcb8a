using System.Data.Common;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Customers;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Customers;

/// <summary>
/// Creates a customer of the tenant's log ahead of (or beside) its deltas: its display name, unit label and hints. The id
/// is the vendor's (<c>customerId</c>, the id its deltas use) or, when left out, a new <c>cus_…</c>. Creating a customer
/// that exists is answered with the stored one (200) when the request says the same, and refused (409
/// <c>CUSTOMER_EXISTS</c>) when it says something else: a create never overwrites. A customer known only from its deltas
/// gets its profile (201). With an <c>Idempotency-Key</c>, a retry of the same request is answered with what the first
/// created, even without a <c>customerId</c>.
/// </summary>
internal sealed class CreateCustomer(Database db, EntryIds ids, IOptions<PlaneOptions> options, TimeProvider time)
{
    public const int MaxDisplayName = 200;
    public const int MaxLabel = 32;
    public const string IdPrefix = "cus";

    /// <param name="CustomerId">The vendor's id of the customer, or none (a <c>cus_…</c> is made).</param>
    /// <param name="IdempotencyKey">The request's well-formed <c>Idempotency-Key</c>, or none.</param>
    public sealed record Input(string? CustomerId, string DisplayName, string? UnitLabel, string? EventCadence, string? SharingStateHint, string? IdempotencyKey)
    {
        /// <summary>
        /// The body's fields: <c>displayName</c> 1–200 characters (trimmed), <c>customerId</c> as a delta's (1–256, taken exactly
        /// as sent), <c>unitLabel</c>, <c>eventCadence</c> and <c>sharingStateHint</c> 1–32 each (trimmed; the documentation
        /// gives examples such as <c>PER_EVENT</c> and <c>INHERIT</c>, not a closed list). None holds control or bidirectional
        /// formatting characters. Other fields are ignored, as on every route.
        /// </summary>
        public static Result<Input> Read(FieldReader fields, string? idempotencyKey)
        {
            var customerId = fields.String("customerId", required: false, 1, NewDelta.MaxCustomerId, trim: false, rule: TextRule.Line);
            var displayName = fields.String("displayName", required: true, 1, MaxDisplayName, rule: TextRule.Line);
            var unitLabel = fields.String("unitLabel", required: false, 1, MaxLabel, rule: TextRule.Line);
            var eventCadence = fields.String("eventCadence", required: false, 1, MaxLabel, rule: TextRule.Line);
            var sharingStateHint = fields.String("sharingStateHint", required: false, 1, MaxLabel, rule: TextRule.Line);
            return fields.HasErrors ? fields.ToError() : new Input(customerId, displayName!, unitLabel, eventCadence, sharingStateHint, idempotencyKey);
        }

        /// <summary>Whether a stored profile is what this request would have created.</summary>
        public IReadOnlyList<string> DifferencesFrom(CustomerProfileStore.Row row)
        {
            var fields = new List<string>();
            if (CustomerId is not null && CustomerId != row.CustomerId)
            {
                fields.Add("customerId");
            }

            if (DisplayName != row.DisplayName)
            {
                fields.Add("displayName");
            }

            if (UnitLabel != row.UnitLabel)
            {
                fields.Add("unitLabel");
            }

            if (EventCadence != row.EventCadence)
            {
                fields.Add("eventCadence");
            }

            if (SharingStateHint != row.SharingStateHint)
            {
                fields.Add("sharingStateHint");
            }

            return fields;
        }
    }

    /// <summary>The customer, and whether this request created it (201) or found it as asked (200).</summary>
    public sealed record Outcome(CustomerProfileInfo Customer, bool Created);

    /// <param name="tenantId">The tenant of the key (Balance API host) or of the route (the control plane's call).</param>
    /// <param name="createdBy">The dashboard user the control plane vouched for.</param>
    public async Task<Result<Outcome>> HandleAsync(string tenantId, string? createdBy, Input input, CancellationToken ct)
    {
        LogScope log;
        await using (var read = await db.OpenAsync(ct))
        {
            log = await TenantLedgerStore.ScopeAsync(read, ids, tenantId, ct);
            if (log.LedgerNo < 0)
            {
                return new Error(412, ErrorCodes.ContractNotDeployed, "This environment is not active for the account on this plane yet.");
            }

            // A retry is answered before anything is written.
            if (await SettledAsync(read, log.LedgerNo, input, ct) is { } settled)
            {
                return settled;
            }
        }

        var row = new CustomerProfileStore.Row
        {
            LedgerNo = log.LedgerNo,
            CustomerId = input.CustomerId ?? Ids.New(IdPrefix, time),
            DisplayName = input.DisplayName,
            UnitLabel = input.UnitLabel,
            EventCadence = input.EventCadence,
            SharingStateHint = input.SharingStateHint,
            IdempotencyKey = input.IdempotencyKey,
            CreatedBy = createdBy,
            CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        bool inserted;
        await using (var write = await db.BeginWriteAsync(ct))
        {
            inserted = await CustomerProfileStore.InsertAsync(write.Connection, write.Transaction, row, ct);
            await write.CommitAsync(ct);
        }

        if (inserted)
        {
            return new Outcome(View(row), true);
        }

        // Another request stored the customer (or used the key) in between: answered as if it had come first.
        await using var again = await db.OpenAsync(ct);
        return await SettledAsync(again, log.LedgerNo, input, ct)
            ?? throw new InvalidOperationException("A customer profile insert conflicted with no row.");
    }

    /// <summary>The answer to a request that meets a stored profile (same customer or same Idempotency-Key), or null for a new one.</summary>
    private async Task<Result<Outcome>?> SettledAsync(DbConnection connection, long ledgerNo, Input input, CancellationToken ct)
    {
        if (input.IdempotencyKey is not null && await CustomerProfileStore.FindByIdempotencyKeyAsync(connection, ledgerNo, input.IdempotencyKey, ct) is { } keyed)
        {
            return input.DifferencesFrom(keyed) is { Count: > 0 } differ
                ? new Error(409, ErrorCodes.IdempotencyKeyReused,
                    $"This Idempotency-Key was used for another request (it created {keyed.CustomerId}). Send a new key with a new request.")
                {
                    Details = [.. differ.Select(f => new ErrorDetail(f, "differs from the request this Idempotency-Key was first used with"))],
                }
                : new Outcome(View(keyed), false);
        }

        if (input.CustomerId is not null && await CustomerProfileStore.FindAsync(connection, ledgerNo, input.CustomerId, ct) is { } stored)
        {
            return input.DifferencesFrom(stored) is { Count: > 0 } differ
                ? new Error(409, ErrorCodes.CustomerExists,
                    $"The customer {input.CustomerId} already exists with other details ({string.Join(", ", differ)}). Creating it again with the same details answers the stored customer; nothing is overwritten.")
                {
                    Details = [.. differ.Select(f => new ErrorDetail(f, "differs from the stored customer"))],
                }
                : new Outcome(View(stored), false);
        }

        return null;
    }

    private CustomerProfileInfo View(CustomerProfileStore.Row row) => new(row.CustomerId, row.DisplayName, row.UnitLabel, row.EventCadence, row.SharingStateHint,
        DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), options.Value.EnvironmentName);
}
