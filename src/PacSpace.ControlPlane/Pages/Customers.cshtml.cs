using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Features.Ledger;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The customers of the environment in use, from its plane: search by the start of the id or the display name, keyset pages.</summary>
public sealed class CustomersModel : DataPage
{
    internal CustomerList? List { get; private set; }

    internal string Search { get; private set; } = "";

    internal bool ByName { get; private set; }

    internal bool Paged { get; private set; }

    public async Task OnGetAsync(string? q, string? by, string? cursor, CancellationToken ct)
    {
        Search = q?.Trim() ?? "";
        // Anything but "name" searches the id, as the form's first choice does.
        ByName = by == "name" && Search.Length > 0;
        var page = CursorOf(cursor);
        if (Problem is not null)
        {
            return;
        }

        Paged = page is not null;
        var listed = await this.Service<ListCustomers>().HandleAsync(PageActor,
            new ListCustomers.Input(Shell.Current, Search.Length == 0 ? null : Search, ByName, page), ct);
        if (listed.IsSuccess)
        {
            List = listed.Value;
        }
        else
        {
            Refused(listed.Error!);
        }
    }

    /// <summary>The address of another page of this list (the same search).</summary>
    internal string PageUrl(string? cursor) => ListQuery.Url("/customers",
        ("q", Search.Length > 0 ? Search : null), ("by", Search.Length > 0 ? (ByName ? "name" : "id") : null), ("cursor", cursor));

    internal static string CustomerUrl(string customerId) => "/customers/" + Uri.EscapeDataString(customerId);
}
