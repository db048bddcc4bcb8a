using Microsoft.AspNetCore.Mvc;
using PacSpace.ControlPlane.Features.Webhooks;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The confirmation step before deleting an endpoint: a page of its own, so it needs no script.</summary>
public sealed class DeleteWebhookModel : SignedInPage
{
    internal WebhookView Endpoint { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var endpoint = await this.Service<GetEndpoint>().HandleAsync(Actor.Page(HttpContext), new GetEndpoint.Input(id), ct);
        if (!endpoint.IsSuccess)
        {
            return NotFound();
        }

        Endpoint = endpoint.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        var actor = Actor.Page(HttpContext);
        var endpoint = await this.Service<GetEndpoint>().HandleAsync(actor, new GetEndpoint.Input(id), ct);
        var deleted = await this.Service<DeleteEndpoint>().HandleAsync(actor, new DeleteEndpoint.Input(id), ct);
        if (deleted.IsSuccess)
        {
            Flash = endpoint.IsSuccess ? $"Endpoint {endpoint.Value.Url} is deleted." : "Endpoint deleted.";
        }
        else
        {
            ShowError(deleted.Error!);
        }

        return Redirect("/webhooks");
    }
}
