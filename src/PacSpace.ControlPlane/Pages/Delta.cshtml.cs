using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Features.Ledger;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Pages;

/// <summary>One delta of the environment in use, with its receipt's proof as the plane gives it. Unknown there (another tenant's included): 404.</summary>
public sealed class DeltaModel : DataPage
{
    internal string RecordId { get; private set; } = "";

    internal DeltaDetail? Delta { get; private set; }

    public async Task OnGetAsync(string recordId, CancellationToken ct)
    {
        RecordId = RawPath.LastSegment(HttpContext, recordId);
        var found = await this.Service<GetDelta>().HandleAsync(PageActor, new GetDelta.Input(Shell.Current, RecordId), ct);
        if (found.IsSuccess)
        {
            Delta = found.Value;
        }
        else if (found.Error!.Status == 404)
        {
            Refused(found.Error! with { Message = $"There is no delta “{RecordId}” in {EnvLabel}." });
        }
        else
        {
            Refused(found.Error!);
        }
    }

    /// <summary>The canonical content, indented for reading (its hash is over the compact canonical form).</summary>
    internal string ContentText => Delta is null ? "" : System.Text.Json.JsonSerializer.Serialize(Delta.Content, Indented);

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
