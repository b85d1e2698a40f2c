package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/commands"
)

// Messages shown for the two kinds of error the member cannot fix.
const (
	internalErrorText = "Something went wrong on our side. It has been logged; please try again in a moment."
	permissionHint    = "I'm missing permissions in this channel. Please ask an admin to let me View Channel, Send Messages, Embed Links and Attach Files here."
	unknownCommand    = "I don't know that command (it may have been removed). Try /help."
	staleButton       = "That button belongs to something that has ended."
	shuttingDown      = "I'm restarting; please try again in a few seconds."
	busyText          = "The database is busy right now, so nothing was changed; please try again in a moment."
)

// handlerDeadline bounds a handler's context under the 15 minutes an interaction token
// lives: an answer later than that could not be delivered anyway.
const handlerDeadline = 14 * time.Minute

// threadLookupBudget bounds asking Discord whether a channel is a thread; the handler
// waits for the answer, and the interaction is deferred meanwhile if need be.
const threadLookupBudget = time.Second

// autocompleteBudget keeps autocomplete inside Discord's 3 s deadline with room
// for the round trip; it cannot be deferred.
const autocompleteBudget = 2 * time.Second

// noMentions is sent with every message: user text must never ping anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// outcome is what a handler produced.
type outcome struct {
	reply *commands.Reply
	err   error
}

func (b *Bot) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	b.guard.ChannelSeen(i.ChannelID) // an interaction there shows the channel is back
	if !b.begin() {
		b.send(i, refusalWhileClosing(i))
		return
	}
	defer b.inflight.Done()

	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		b.onCommand(i)
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.onAutocomplete(i)
	case discordgo.InteractionMessageComponent:
		b.onComponent(i)
	}
}

// inThread reports whether the interaction's channel is a thread, where posting takes Send
// Messages in Threads rather than Send Messages. discordgo v0.29.0 drops the channel object
// Discord sends with an interaction, so the channel is asked of Discord, and only when the
// answer changes what the bot may post: app_permissions hold one of the two, not both. A
// failed lookup counts as a plain channel; posting then reports its own failure.
func (b *Bot) inThread(ctx context.Context, i *discordgo.Interaction) bool {
	const both = discordgo.PermissionSendMessages | discordgo.PermissionSendMessagesInThreads
	if i.GuildID == "" || i.AppPermissions&both == 0 || i.AppPermissions&both == both {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, threadLookupBudget)
	defer cancel()
	ch, err := b.session.Channel(i.ChannelID, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Warn("could not tell whether the channel is a thread", b.attrs(i, err)...)
		return false
	}
	return ch.IsThread()
}

// knowingThread sets req.InThread before handle runs, inside the handler's goroutine so
// that a slow lookup is covered by the deferral.
func (b *Bot) knowingThread(i *discordgo.Interaction, handle commands.Handler) commands.Handler {
	return func(ctx context.Context, req *commands.Request) (*commands.Reply, error) {
		req.InThread = b.inThread(ctx, i)
		return handle(ctx, req)
	}
}

// refusalWhileClosing answers an interaction that arrives while the bot shuts down:
// autocomplete only takes choices (type 8), so it gets none; anything else is told to
// try again.
func refusalWhileClosing(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: messageData(commands.Message(true, shuttingDown))}
}

func (b *Bot) onCommand(i *discordgo.Interaction) {
	data := i.ApplicationCommandData()
	cmd, ok := b.router.command(data.Name)
	if !ok {
		b.reply(i, false, outcome{err: commands.Userf(unknownCommand)})
		return
	}
	if refusal := misplaced(i, cmd, func() string { return InviteURL(b.appID) }); refusal != "" {
		b.reply(i, false, outcome{err: commands.Userf("%s", refusal)})
		return
	}
	if err := checkOptions(cmd.Definition, data.Options); err != nil {
		b.reply(i, false, outcome{err: err})
		return
	}
	req := b.request(i)
	req.Subcommand, req.Options, _ = flattenOptions(data.Options)
	req.Resolved = data.Resolved
	handle, private := b.knowingThread(i, cmd.Handle), cmd.Private
	if mayNotPost(i) {
		handle, private = whisper(handle), true
	}
	b.run(i, req, handle, false, private)
}

func (b *Bot) onComponent(i *discordgo.Interaction) {
	data := i.MessageComponentData()
	route, params, ok := b.router.component(data.CustomID)
	if !ok {
		b.reply(i, true, outcome{err: commands.Userf(staleButton)})
		return
	}
	req := b.request(i)
	req.Params = params
	if i.Message != nil {
		req.MessageID, req.MessageChannelID = i.Message.ID, i.Message.ChannelID
	}
	b.run(i, req, route.handle, true, route.command.Private)
}

func (b *Bot) onAutocomplete(i *discordgo.Interaction) {
	choices := b.completions(i)
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	b.send(i, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices}})
}

// completions asks the command for autocomplete choices; a misshapen request gets none
// rather than reaching the handler.
func (b *Bot) completions(i *discordgo.Interaction) []*discordgo.ApplicationCommandOptionChoice {
	data := i.ApplicationCommandData()
	cmd, ok := b.router.command(data.Name)
	if !ok || cmd.Complete == nil || misplaced(i, cmd, func() string { return "" }) != "" {
		return nil
	}
	req := b.request(i)
	if req.Subcommand, req.Options, req.Focused, ok = completionOptions(cmd.Definition, data.Options); !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), autocompleteBudget)
	defer cancel()
	choices, err := safeComplete(ctx, cmd, req)
	if err != nil {
		b.log.Error("autocomplete failed", b.attrs(i, err)...)
	}
	return choices
}

func safeComplete(ctx context.Context, cmd commands.Command, req *commands.Request) (choices []*discordgo.ApplicationCommandOptionChoice, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return cmd.Complete(ctx, req)
}

// run calls the handler and answers. If the handler is still running after
// DeferAfter, the interaction is deferred first and the answer follows as an edit.
func (b *Bot) run(i *discordgo.Interaction, req *commands.Request, handle commands.Handler, isComponent, private bool) {
	done := make(chan outcome, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), handlerDeadline)
		defer cancel()
		reply, err := safeHandle(ctx, req, handle)
		done <- outcome{reply, err}
	}()
	timer := time.NewTimer(b.opts.DeferAfter)
	defer timer.Stop()
	select {
	case o := <-done:
		b.reply(i, isComponent, o)
	case <-timer.C:
		deferredEphemeral := b.deferResponse(i, isComponent, private)
		o := <-done
		b.replyAfterDefer(i, isComponent, deferredEphemeral, o)
	}
}

func safeHandle(ctx context.Context, req *commands.Request, handle commands.Handler) (reply *commands.Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	reply, err = handle(ctx, req)
	if err == nil && reply == nil {
		err = errors.New("handler returned neither a reply nor an error")
	}
	return reply, err
}

// deferResponse acknowledges a slow interaction and reports whether the pending
// answer is ephemeral. A click defers as an update of the clicked message.
func (b *Bot) deferResponse(i *discordgo.Interaction, isComponent, private bool) bool {
	if isComponent {
		b.send(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		return false
	}
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{}}
	if private {
		resp.Data.Flags = discordgo.MessageFlagsEphemeral
	}
	b.send(i, resp)
	return private
}

// reply answers an interaction that has not been acknowledged yet.
func (b *Bot) reply(i *discordgo.Interaction, isComponent bool, o outcome) {
	r := b.resolve(i, o)
	kind := discordgo.InteractionResponseChannelMessageWithSource
	if isComponent && r.Update {
		kind = discordgo.InteractionResponseUpdateMessage
	}
	err, stale := claimed(r, func() error {
		return b.respond(i, &discordgo.InteractionResponse{Type: kind, Data: messageData(r)})
	})
	if stale {
		// A newer state is already shown or on its way: only acknowledge the click.
		err = b.respond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		b.logAcknowledgedOnly(i)
	}
	if err != nil {
		b.log.Error("answering the interaction failed", b.attrs(i, err)...)
	}
	b.followUp(i, r.FollowUp)
}

// acknowledgedOnly is logged (at debug) for a click whose answer ends at its type-6
// acknowledgement, because a newer state of its message is shown or on its way: nothing
// else answers it, which a reader of the log (or a test) could not otherwise tell from a
// deferral whose edit is still coming.
const acknowledgedOnly = "click acknowledged only: a newer state is shown or on its way"

func (b *Bot) logAcknowledgedOnly(i *discordgo.Interaction) {
	b.log.Debug(acknowledgedOnly, slog.String("interaction", i.ID))
}

// claimed sends an update under its claim on the message it replaces (Reply.Claim): an
// update that would show an older state than the message shows, or is about to, is not
// sent, and stale says so.
func claimed(r *commands.Reply, send func() error) (err error, stale bool) {
	if r.Claim == nil || !r.Update {
		return send(), false
	}
	done, ok := r.Claim()
	if !ok {
		return nil, true
	}
	err = send()
	done(err == nil)
	return err, false
}

// followUp sends a reply's follow-up messages, in order: r, then r.FollowUp, and so on.
func (b *Bot) followUp(i *discordgo.Interaction, r *commands.Reply) {
	for ; r != nil; r = r.FollowUp {
		if _, err := b.session.FollowupMessageCreate(i, true, webhookParams(r)); err != nil {
			b.log.Error("sending a follow-up failed", b.attrs(i, err)...)
		}
	}
}

// replyAfterDefer delivers the answer to a deferred interaction: an edit of the
// deferred message, or (when the answer's visibility differs from the deferral's,
// or a click's answer is a new message) a follow-up.
func (b *Bot) replyAfterDefer(i *discordgo.Interaction, isComponent, deferredEphemeral bool, o outcome) {
	r := b.resolve(i, o)
	var err error
	switch {
	case isComponent && r.Update:
		// The click was acknowledged; a stale update is simply not sent.
		var stale bool
		err, stale = claimed(r, func() error {
			_, err := b.session.InteractionResponseEdit(i, webhookEdit(r))
			return err
		})
		if stale {
			b.logAcknowledgedOnly(i)
		}
	case !isComponent && r.Ephemeral == deferredEphemeral:
		_, err = b.session.InteractionResponseEdit(i, webhookEdit(r))
	default:
		if !isComponent {
			// The public "thinking…" message would otherwise linger.
			if delErr := b.session.InteractionResponseDelete(i); delErr != nil {
				b.log.Warn("could not delete deferred reply", b.attrs(i, delErr)...)
			}
		}
		_, err = b.session.FollowupMessageCreate(i, true, webhookParams(r))
	}
	if err != nil {
		b.log.Error("sending the answer failed", b.attrs(i, err)...)
		return
	}
	b.followUp(i, r.FollowUp)
}

// resolve turns a handler outcome into the reply to show, classifying errors:
// user errors are shown as they are and not logged; Discord permission errors
// become a hint; anything else is logged and shown as a generic sentence.
func (b *Bot) resolve(i *discordgo.Interaction, o outcome) *commands.Reply {
	if o.err == nil {
		return o.reply
	}
	if u, ok := commands.AsUserError(o.err); ok {
		return commands.Message(true, u.Message)
	}
	if isForbidden(o.err) {
		b.log.Info("missing permissions", b.attrs(i, o.err)...)
		return commands.Message(true, permissionHint)
	}
	if isBusy(o.err) {
		b.log.Warn("database busy", b.attrs(i, o.err)...)
		return commands.Message(true, busyText)
	}
	b.log.Error("handler failed", b.attrs(i, o.err)...)
	return commands.Message(true, internalErrorText)
}

// isBusy reports a temporary refusal of the database (storage's ErrBusy, which marks
// itself with a Busy method so that bot need not import storage).
func isBusy(err error) bool {
	var busy interface{ Busy() bool }
	return errors.As(err, &busy) && busy.Busy()
}

func isForbidden(err error) bool {
	var restErr *discordgo.RESTError
	return errors.As(err, &restErr) && restErr.Response != nil && restErr.Response.StatusCode == http.StatusForbidden
}

func (b *Bot) send(i *discordgo.Interaction, resp *discordgo.InteractionResponse) {
	if err := b.respond(i, resp); err != nil {
		b.log.Error("answering the interaction failed", b.attrs(i, err)...)
	}
}

// request fills the fields every kind of interaction shares.
func (b *Bot) request(i *discordgo.Interaction) *commands.Request {
	req := &commands.Request{GuildID: i.GuildID, ChannelID: i.ChannelID, Received: b.opts.Now(), BotPermissions: i.AppPermissions}
	user := i.User
	if i.Member != nil {
		user = i.Member.User
		req.Member.Permissions = i.Member.Permissions
		req.Member.Roles = i.Member.Roles
		req.Member.Name = i.Member.Nick
	}
	if user != nil {
		req.Member.ID, req.Member.IsBot = user.ID, user.Bot
		if req.Member.Name == "" {
			req.Member.Name = user.GlobalName
		}
		if req.Member.Name == "" {
			req.Member.Name = user.Username
		}
	}
	return req
}

func (b *Bot) attrs(i *discordgo.Interaction, err error) []any {
	attrs := []any{slog.String("guild", i.GuildID), slog.String("channel", i.ChannelID), slog.String("error", err.Error())}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		attrs = append(attrs, slog.String("command", i.ApplicationCommandData().Name))
	case discordgo.InteractionMessageComponent:
		attrs = append(attrs, slog.String("custom_id", i.MessageComponentData().CustomID))
	}
	return attrs
}

// messageData renders a reply as a full message: empty lists, never null, so a
// type-7 update clears what the reply leaves out instead of keeping it.
func messageData(r *commands.Reply) *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{
		Content:         r.Content,
		Embeds:          nonNilEmbeds(r.Embeds),
		Components:      nonNilComponents(r.Components),
		Files:           r.Files,
		AllowedMentions: noMentions(),
	}
	if r.Ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

func webhookEdit(r *commands.Reply) *discordgo.WebhookEdit {
	embeds, components := nonNilEmbeds(r.Embeds), nonNilComponents(r.Components)
	return &discordgo.WebhookEdit{Content: &r.Content, Embeds: &embeds, Components: &components,
		Files: r.Files, AllowedMentions: noMentions()}
}

func webhookParams(r *commands.Reply) *discordgo.WebhookParams {
	p := &discordgo.WebhookParams{Content: r.Content, Embeds: r.Embeds, Components: r.Components,
		Files: r.Files, AllowedMentions: noMentions()}
	if r.Ephemeral {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	return p
}

func nonNilEmbeds(e []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if e == nil {
		return []*discordgo.MessageEmbed{}
	}
	return e
}

func nonNilComponents(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}
