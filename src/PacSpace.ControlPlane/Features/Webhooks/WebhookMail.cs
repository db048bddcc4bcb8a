using System.Globalization;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Mail;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>The webhook mails: the note to a tenant's owners that PacSpace disabled one of their endpoints. Sent through <see cref="MailQueue"/>.</summary>
internal sealed class WebhookMail(MailQueue queue, IOptions<DashboardOptions> dashboard)
{
    public void SendDisabled(string email, WebhookEndpointRow endpoint)
    {
        var environment = endpoint.Env == PacSpaceEnvironment.Production ? "Production" : "Sandbox";
        var at = WebhookRules.At(endpoint.DisabledAt ?? 0).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var dashboardUrl = dashboard.Value.PublicUrl.TrimEnd('/');
        var name = endpoint.Description is { Length: > 0 } d ? $"{endpoint.Id} ({d})" : endpoint.Id;
        queue.Enqueue(new MailQueue.Message(email, $"PacSpace disabled a {environment} webhook endpoint",
            $"""
            PacSpace has stopped sending events to one of your webhook endpoints and disabled it.

            Endpoint:     {name}
            URL:          {endpoint.Url}
            Environment:  {environment}
            Disabled at:  {at}
            Why:          {endpoint.DisabledReason}

            Events of this environment are not sent to it while it is disabled; the other endpoints are not affected.

            To re-enable it, fix the receiver first, then, signed in to PacSpace:
              - send PATCH {dashboardUrl}/dashboard/webhooks/{endpoint.Id} with the body {"{"}"enabled": true{"}"}
                (or UpdateWebhookAsync with Enabled = true in the C# SDK);
              - check it with POST {dashboardUrl}/dashboard/webhooks/{endpoint.Id}/test, which sends it a ping;
              - deliveries that were given up are listed by GET {dashboardUrl}/dashboard/webhooks/deliveries?environment={endpoint.Environment}&status=failed
                and can be sent again with POST {dashboardUrl}/dashboard/webhooks/deliveries/<eventId>/retry?environment={endpoint.Environment}.

            You receive this message as an owner of the PacSpace account.
            """, dashboardUrl));
    }
}
