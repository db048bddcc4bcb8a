using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PacSpace.ControlPlane.Features.Mail;

/// <summary>
/// Account mail sent after the answer instead of before it: a request that mails (registration, password reset)
/// then takes as long as one that does not, so timing tells nobody whether an address has an account, and a slow
/// mail server never slows a page. Messages left in the queue at shutdown are lost; every such mail can be asked for
/// again (resend verification, reset again).
/// </summary>
internal sealed partial class MailQueue(Mailer mailer, ILogger<MailQueue> logger) : BackgroundService
{
    private readonly Channel<Message> _messages = Channel.CreateBounded<Message>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public sealed record Message(string To, string Subject, string Text, string Link);

    public void Enqueue(Message message)
    {
        if (!_messages.Writer.TryWrite(message))
        {
            LogDropped(message.Subject);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in _messages.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await mailer.SendAsync(message.To, message.Subject, message.Text, message.Link, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex, message.Subject);
            }
        }
    }

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Could not send the mail \"{Subject}\"")]
    private partial void LogFailed(Exception ex, string subject);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "Mail queue full: \"{Subject}\" dropped")]
    private partial void LogDropped(string subject);
}
