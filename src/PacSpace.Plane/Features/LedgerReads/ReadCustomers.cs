using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Customers;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// A page of a tenant's customers in this environment (<c>GET /internal/v1/tenants/{tenantId}/customers</c>): every customer
/// with a VERIFIED delta and every customer created ahead of its deltas, each once, by id in byte order — optionally those
/// whose id starts with a text (case-sensitive); or, searched by name, the customers whose display name starts with a text in
/// any case, by that name. Each page is a seek and a page of entries along an index, plus one chain-head seek and one profile
/// seek per customer shown: its cost does not grow with the number of customers or deltas.
/// </summary>
internal sealed class ReadCustomers(Database db, EntryIds ids)
{
    public const int MaxSearch = NewDelta.MaxCustomerId;

    /// <param name="By"><see cref="ReadRoutes.ById"/> or <see cref="ReadRoutes.ByName"/>; null: by id.</param>
    /// <param name="Search">The start of the id (or of the name) to match, or null for every customer.</param>
    public sealed record Input(string TenantId, string? By, string? Search, string? Cursor, int Limit, IReadOnlyList<ErrorDetail> Problems);

    public async Task<Result<CustomerList>> HandleAsync(Input input, CancellationToken ct)
    {
        var problems = input.Problems.ToList();
        var byName = input.By switch
        {
            null or ReadRoutes.ById => false,
            ReadRoutes.ByName => true,
            _ => Refuse(problems, "by", $"must be {ReadRoutes.ById} or {ReadRoutes.ByName}"),
        };
        if (input.Search is { Length: > MaxSearch })
        {
            problems.Add(new ErrorDetail("search", $"must be at most {MaxSearch} characters"));
        }

        // Without a text to match, a search by name is the list by id: every customer, named or not.
        byName &= input.Search is not null;
        var key = input.Cursor is null ? null : ReadCursor.Read(input.Cursor, byName ? 2 : 1, problems);
        var after = key is null ? null : ReadCursor.Text(key[^1], problems);
        var afterName = key is { Length: 2 } ? ReadCursor.Text(key[0], problems) : null;
        if (problems.Count > 0)
        {
            return Error.Validation(problems);
        }

        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, input.TenantId, ct);
        if (log.LedgerNo < 0)
        {
            return new CustomerList([], null);
        }

        // One more than the page says whether another follows.
        var take = input.Limit + 1;
        List<string> page;
        string? next = null;
        if (byName)
        {
            var matches = await CustomerProfileStore.NamesAfterAsync(connection, db.Provider, log.LedgerNo, input.Search!, afterName, after, take, ct);
            page = matches.Take(input.Limit).Select(m => m.CustomerId).ToList();
            if (matches.Count > input.Limit)
            {
                var last = matches[input.Limit - 1];
                next = ReadCursor.Of(last.NameKey, last.CustomerId);
            }
        }
        else
        {
            // Customers come from two indexes (with deltas; created ahead of them): each read as far as the page, then merged.
            var signed = await LogCustomerStore.IdsAfterAsync(connection, db.Provider, log, after, input.Search, take, ct);
            var created = await CustomerProfileStore.IdsAfterAsync(connection, db.Provider, log.LedgerNo, after, input.Search, take, ct);
            var merged = signed.Concat(created).Distinct(StringComparer.Ordinal).Order(ByteOrder.Comparer).Take(take).ToList();
            page = merged.Take(input.Limit).ToList();
            if (merged.Count > input.Limit)
            {
                next = ReadCursor.Of(page[^1]);
            }
        }

        var heads = await LogCustomerStore.HeadsAsync(connection, db.Provider, log, page, ct);
        var profiles = await CustomerProfileStore.FindManyAsync(connection, db.Provider, log.LedgerNo, page, ct);
        return new CustomerList(page.Select(id =>
        {
            var head = heads.GetValueOrDefault(id);
            var profile = profiles.GetValueOrDefault(id);
            return new CustomerSummary(id, profile?.DisplayName, profile?.UnitLabel, head?.Balance ?? 0, head?.LastSeq ?? 0, Time(head?.FirstAt), Time(head?.LastAt));
        }).ToList(), next);
    }

    private static bool Refuse(List<ErrorDetail> problems, string field, string issue)
    {
        problems.Add(new ErrorDetail(field, issue));
        return false;
    }

    internal static DateTimeOffset? Time(long? ms) => ms is long t ? DateTimeOffset.FromUnixTimeMilliseconds(t) : null;
}
