using System.Text.Json;
using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Features.Ledger;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The period checkpoints of the environment in use, newest first, from its plane: proof roots, totals, signed statements, verify links.</summary>
public sealed class CheckpointsModel : DataPage
{
    internal CheckpointList? List { get; private set; }

    internal string? Customer { get; private set; }

    internal bool Paged { get; private set; }

    internal List<string> Ignored { get; } = [];

    public async Task OnGetAsync(string? customer, string? cursor, CancellationToken ct)
    {
        Customer = string.IsNullOrWhiteSpace(customer) ? null : customer.Trim();
        if (Customer is { Length: > LedgerReads.MaxSearch })
        {
            Ignored.Add($"A customer id has at most {LedgerReads.MaxSearch} characters; the customer filter was left out.");
            Customer = null;
        }

        var page = CursorOf(cursor);
        if (Problem is not null)
        {
            return;
        }

        Paged = page is not null;
        var listed = await this.Service<ListCheckpoints>().HandleAsync(PageActor, new ListCheckpoints.Input(Shell.Current, Customer, page), ct);
        if (listed.IsSuccess)
        {
            List = listed.Value;
        }
        else
        {
            Refused(listed.Error!);
        }
    }

    internal string PageUrl(string? cursor)
    {
        var query = new List<string>();
        if (Customer is not null)
        {
            query.Add("customer=" + Uri.EscapeDataString(Customer));
        }

        if (cursor is not null)
        {
            query.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        return "/checkpoints" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    /// <summary>The signed period statement, indented for reading (the signature is over its canonical form).</summary>
    internal static string Readable(JsonElement statement) => JsonSerializer.Serialize(statement, Indented);

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
