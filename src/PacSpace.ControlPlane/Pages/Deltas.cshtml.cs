using System.Globalization;
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

    /// <summary>Filter values that were left out, and why.</summary>
    internal List<string> Ignored { get; } = [];

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
        var c = string.IsNullOrWhiteSpace(customer) ? null : customer.Trim();
        if (c is { Length: > LedgerReads.MaxSearch })
        {
            c = Ignore<string>($"A customer id has at most {LedgerReads.MaxSearch} characters; the customer filter was left out.");
        }

        var f = Day(from, "from");
        var t = Day(to, "to");
        if (f is { } a && t is { } b && b < a)
        {
            Ignored.Add("The last day is before the first, so both were left out.");
            (f, t) = (null, null);
        }

        Filter = (s, c, f, t);
        var page = CursorOf(cursor);
        if (Problem is not null)
        {
            return;
        }

        Paged = page is not null;
        var listed = await this.Service<ListDeltas>().HandleAsync(PageActor, new ListDeltas.Input(Shell.Current, s, c,
            f is { } first ? Start(first) : null, t is { } last ? Start(last).AddDays(1) : null, page), ct);
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
    internal string PageUrl(string? cursor)
    {
        var query = new List<string>();
        Add("status", Filter.Status);
        Add("customer", Filter.Customer);
        Add("from", Filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", Filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("cursor", cursor);
        return "/deltas" + (query.Count == 0 ? "" : "?" + string.Join('&', query));

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }
    }

    private DateOnly? Day(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 9998)
        {
            return day;
        }

        Ignored.Add($"“{text}” is not a day (YYYY-MM-DD, from 2000), so the {(field == "from" ? "first" : "last")} day was left out.");
        return null;
    }

    private T? Ignore<T>(string why)
        where T : class
    {
        Ignored.Add(why);
        return null;
    }

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
