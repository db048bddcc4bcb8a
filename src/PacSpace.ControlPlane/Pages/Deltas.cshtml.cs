using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Features.Ledger;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// The deltas of the environment in use, newest first, from its plane: filtered by status, customer and UTC days, keyset pages.
/// A filter value the page cannot read is named and left out, rather than refusing the page.
/// </summary>
public sealed class DeltasModel : DataPage
{
    internal DeltaList? List { get; private set; }

    /// <summary>The filters as applied (null: not filtered).</summary>
    internal (string? Status, string? Customer, DateOnly? From, DateOnly? To) Filter { get; private set; }

    private readonly ListQuery _query = new();

    /// <summary>Filter values that were left out, and why.</summary>
    internal List<string> Ignored => _query.Ignored;

    internal bool Paged { get; private set; }

    internal bool Filtered => Filter.Status is not null || Filter.Customer is not null || Filter.From is not null || Filter.To is not null;

    public async Task OnGetAsync(string? status, string? customer, string? from, string? to, string? cursor, CancellationToken ct)
    {
        var s = status?.Trim().ToLowerInvariant() switch
        {
            null or "" or "all" => null,
            ReadRoutes.Verified => ReadRoutes.Verified,
            ReadRoutes.Queued => ReadRoutes.Queued,
            _ => Ignore<string>($"The status “{status}” is not one of verified or queued, so deltas of both are shown."),
        };
        var c = _query.Text(customer, LedgerReads.MaxSearch, $"A customer id has at most {LedgerReads.MaxSearch} characters; the customer filter was left out.");
        var (f, t) = _query.Days(from, to);

        Filter = (s, c, f, t);
        var page = CursorOf(cursor);
        if (Problem is not null)
        {
            return;
        }

        Paged = page is not null;
        var listed = await this.Service<ListDeltas>().HandleAsync(PageActor, new ListDeltas.Input(Shell.Current, s, c,
            f is { } first ? ListQuery.Start(first) : null, t is { } last ? ListQuery.Start(last).AddDays(1) : null, page), ct);
        if (listed.IsSuccess)
        {
            List = listed.Value;
        }
        else
        {
            Refused(listed.Error!);
        }
    }

    /// <summary>The address of this list with the same filters, at another page.</summary>
    internal string PageUrl(string? cursor) => ListQuery.Url("/deltas", ("status", Filter.Status), ("customer", Filter.Customer),
        ("from", ListQuery.Format(Filter.From)), ("to", ListQuery.Format(Filter.To)), ("cursor", cursor));

    private T? Ignore<T>(string why)
        where T : class
    {
        Ignored.Add(why);
        return null;
    }
}
