using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Features.Webhooks;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Webhook endpoints of the environment in use and its delivery log, over the same use cases as <c>/dashboard/webhooks</c>.
/// A new secret survives the redirect only in the encrypted, single-read TempData cookie, and the page showing it is never
/// cached. A refused new endpoint is answered on this response, each problem beside its field.
/// </summary>
public sealed class WebhooksModel(TimeProvider time) : SignedInPage
{
    /// <summary>Deliveries per page of the log.</summary>
    public const int DeliveriesPerPage = 20;

    /// <summary>Choices for how long a rotated-out secret keeps signing, in hours (the API accepts 0 to 24).</summary>
    internal static readonly int[] OverlapChoices = [0, 1, 6, 12, 24];

    internal sealed record SecretNotice(string EndpointId, string Url, string Secret, DateTimeOffset? PreviousSecretExpiresAt);

    internal sealed record TestNotice(string EndpointId, string Url, WebhookTestResult Result);

    [TempData]
    public string? NewSecretJson { get; set; }

    [TempData]
    public string? TestJson { get; set; }

    internal SecretNotice? NewSecret { get; private set; }

    internal TestNotice? Test { get; private set; }

    internal IReadOnlyList<WebhookView> Endpoints { get; private set; } = [];

    internal WebhookDeliveryPage? Deliveries { get; private set; }

    /// <summary>Why the delivery log could not be read (the environment's plane did not answer), instead of the log.</summary>
    internal string? DeliveriesError { get; private set; }

    internal long Offset { get; private set; }

    /// <summary>Why the add form was refused, by field (<c>url</c>, <c>description</c>, <c>events</c>; "" for the whole form).</summary>
    internal IReadOnlyDictionary<string, string> CreateErrors { get; private set; } = new Dictionary<string, string>();

    /// <summary>What the add form shows: the posted values after a refusal, else empty with every event ticked.</summary>
    internal (string Url, string Description, IReadOnlyList<string> Events) CreateForm { get; private set; } = ("", "", WebhookEvents.Catalog);

    private Actor PageActor => Actor.Page(HttpContext);

    public async Task OnGetAsync(long? offset, CancellationToken ct)
    {
        if (NewSecretJson is { } secret)
        {
            NewSecret = JsonSerializer.Deserialize<SecretNotice>(secret);
            Response.Headers.CacheControl = "no-store";
        }

        if (TestJson is { } test)
        {
            Test = JsonSerializer.Deserialize<TestNotice>(test);
        }

        await LoadAsync(Math.Clamp(offset ?? 0, 0, DeliveryQuery.MaxOffset), ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var url = Request.Form["url"].ToString();
        var description = Request.Form["description"].ToString();
        var events = Request.Form["events"].Where(e => !string.IsNullOrEmpty(e)).Select(e => e!).ToList();
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["url"] = url.Length == 0 ? null : url,
            ["environment"] = Shell.Current.Name(),
            // Unticking every box is a choice to refuse, not a way to ask for all of them.
            ["events"] = events,
        };
        if (description.Length > 0)
        {
            values["description"] = description;
        }

        var input = CreateEndpoint.Input.Read(FormFields.Of(values));
        var created = input.IsSuccess ? await this.Service<CreateEndpoint>().HandleAsync(PageActor, input.Value, ct) : input.Error!;
        if (created.IsSuccess)
        {
            var c = created.Value;
            NewSecretJson = JsonSerializer.Serialize(new SecretNotice(c.Id, c.Url, c.Secret, null));
            Flash = $"Endpoint added: {c.Url}.";
            return Redirect("/webhooks");
        }

        // Shown on this response, beside the fields, rather than after a redirect: the form keeps what was typed.
        var fieldErrors = FieldErrors(created.Error!);
        if (events.Count == 0 && fieldErrors.ContainsKey("events"))
        {
            // The API's wording says to leave the field out; on the form that means ticking something.
            fieldErrors["events"] = "Tick at least one event; every endpoint receives ping as well.";
        }

        CreateErrors = fieldErrors;
        CreateForm = (url, description, events);
        Response.StatusCode = created.Error!.Status;
        await LoadAsync(0, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(string id, CancellationToken ct)
    {
        var text = Request.Form["overlapHours"].ToString();
        object? hours = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var h) ? h : text.Length == 0 ? null : text;
        var input = RotateSecret.Input.Read(id, FormFields.Of(new Dictionary<string, object?> { ["overlapHours"] = hours }));
        var rotated = input.IsSuccess ? await this.Service<RotateSecret>().HandleAsync(PageActor, input.Value, ct) : input.Error!;
        if (rotated.IsSuccess)
        {
            var r = rotated.Value;
            var endpoint = await this.Service<GetEndpoint>().HandleAsync(PageActor, new GetEndpoint.Input(id), ct);
            var now = time.GetUtcNow();
            NewSecretJson = JsonSerializer.Serialize(new SecretNotice(r.Id, endpoint.IsSuccess ? endpoint.Value.Url : r.Id, r.Secret,
                r.PreviousSecretExpiresAt > now ? r.PreviousSecretExpiresAt : null));
            Flash = "Secret rotated.";
        }
        else
        {
            ShowError(rotated.Error!);
        }

        return Redirect("/webhooks");
    }

    public async Task<IActionResult> OnPostTestAsync(string id, CancellationToken ct)
    {
        var tested = await this.Service<TestEndpoint>().HandleAsync(PageActor, new TestEndpoint.Input(id), ct);
        if (tested.IsSuccess)
        {
            var endpoint = await this.Service<GetEndpoint>().HandleAsync(PageActor, new GetEndpoint.Input(id), ct);
            TestJson = JsonSerializer.Serialize(new TestNotice(id, endpoint.IsSuccess ? endpoint.Value.Url : id, tested.Value));
        }
        else
        {
            ShowError(tested.Error!);
        }

        return Redirect("/webhooks#endpoints");
    }

    public async Task<IActionResult> OnPostToggleAsync(string id, bool enabled, CancellationToken ct)
    {
        var updated = await this.Service<UpdateEndpoint>().HandleAsync(PageActor, new UpdateEndpoint.Input(id, null, null, null, enabled), ct);
        if (updated.IsSuccess)
        {
            Flash = $"Endpoint {updated.Value.Url} {(enabled ? "enabled" : "disabled")}.";
        }
        else
        {
            ShowError(updated.Error!);
        }

        return Redirect("/webhooks#endpoints");
    }

    public async Task<IActionResult> OnPostRetryAsync(string eventId, CancellationToken ct)
    {
        if (!Hosting.Data.Ids.IsValid(eventId ?? "", "evt"))
        {
            FlashError = "That is not an event id (evt_…).";
            return Redirect("/webhooks#deliveries");
        }

        var retried = await this.Service<RetryDelivery>().HandleAsync(PageActor, new RetryDelivery.Input(eventId!, Shell.Current), ct);
        if (retried.IsSuccess)
        {
            var queued = retried.Value.Queued;
            Flash = queued == 1
                ? $"Event {eventId}: 1 delivery is queued for an attempt now."
                : $"Event {eventId}: {queued} deliveries are queued for an attempt now.";
        }
        else
        {
            ShowError(retried.Error!);
        }

        return Redirect("/webhooks#deliveries");
    }

    private async Task LoadAsync(long offset, CancellationToken ct)
    {
        Offset = offset;
        Endpoints = (await this.Service<ListEndpoints>().HandleAsync(PageActor, new ListEndpoints.Input(Shell.Current, 1, Paging.MaxLimit), ct)).Webhooks;
        var deliveries = await this.Service<ListDeliveries>().HandleAsync(PageActor,
            new ListDeliveries.Input(Shell.Current, null, DeliveriesPerPage, offset, null), ct);
        if (deliveries.IsSuccess)
        {
            Deliveries = deliveries.Value;
        }
        else
        {
            DeliveriesError = deliveries.Error!.Message;
        }
    }

    private static Dictionary<string, string> FieldErrors(Error error)
    {
        if (error.Details is not { Count: > 0 } details)
        {
            return new Dictionary<string, string> { [""] = error.Message };
        }

        // events[2] belongs beside the events; anything the form has no field for goes above it.
        static string FieldOf(string field) => field.StartsWith("events", StringComparison.Ordinal) ? "events"
            : field is "url" or "description" ? field : "";

        return details.GroupBy(d => FieldOf(d.Field)).ToDictionary(g => g.Key, g => string.Join(" ", g.Select(d => $"{Label(FieldOf(d.Field), d.Field)} {d.Issue}.")));
    }

    private static string Label(string field, string raw) => field switch
    {
        "url" => "The URL",
        "description" => "The description",
        "events" => "The events",
        _ => char.ToUpperInvariant(raw[0]) + raw[1..],
    };
}
