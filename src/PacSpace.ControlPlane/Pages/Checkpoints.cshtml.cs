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

    private readonly ListQuery _query = new();

    internal List<string> Ignored => _query.Ignored;

    public async Task OnGetAsync(string? customer, string? cursor, CancellationToken ct)
    {
        Customer = _query.Text(customer, LedgerReads.MaxSearch, $"A customer id has at most {LedgerReads.MaxSearch} characters; the customer filter was left out.");
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

    internal string PageUrl(string? cursor) => ListQuery.Url("/checkpoints", ("customer", Customer), ("cursor", cursor));

    /// <summary>The signed period statement, indented for reading (the signature is over its canonical form).</summary>
    internal static string Readable(JsonElement statement) => JsonSerializer.Serialize(statement, Indented);

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
