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
	// Latency is real elapsed time, whatever clock the bot's logic runs on.
	started := time.Now()
	b.guard.ChannelSeen(i.ChannelID) // an interaction there shows the channel is back
	kind, command := interactionKind(i), b.commandOf(i)
	if !b.begin() {
		b.send(i, refusalWhileClosing(i))
		b.observeInteraction(i, started, kind, command, outcomeRefused)
		return
	}
	defer b.inflight.Done()

	var result string
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		result = b.onCommand(i)
	case discordgo.InteractionApplicationCommandAutocomplete:
		result = b.onAutocomplete(i)
	case discordgo.InteractionMessageComponent:
		result = b.onComponent(i)
	default:
		return // pings and modals: the bot registers none
	}
	b.observeInteraction(i, started, kind, command, result)
}

// interactionKind names an interaction's type for the log and the metrics.
func interactionKind(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return "command"
	case discordgo.InteractionApplicationCommandAutocomplete:
		return "autocomplete"
	case discordgo.InteractionMessageComponent:
		return "component"
	}
	return "other"
}

// commandOf is the registered command an interaction belongs to (a button's is the command
// that made it), or "unknown": metrics label it by the bot's own list, never by what a
// request claims.
func (b *Bot) commandOf(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		if c, ok := b.router.command(i.ApplicationCommandData().Name); ok {
			return c.Definition.Name
		}
	case discordgo.InteractionMessageComponent:
		if route, _, ok := b.router.component(i.MessageComponentData().CustomID); ok {
			return route.command.Definition.Name
		}
	}
	return "unknown"
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

// onCommand answers a slash command and returns the outcome.
func (b *Bot) onCommand(i *discordgo.Interaction) string {
	data := i.ApplicationCommandData()
	cmd, ok := b.router.command(data.Name)
	if !ok {
		return b.reply(i, false, outcome{err: commands.Userf(unknownCommand)})
	}
	if refusal := misplaced(i, cmd, func() string { return InviteURL(b.appID) }); refusal != "" {
		return b.reply(i, false, outcome{err: commands.Userf("%s", refusal)})
	}
	if err := checkOptions(cmd.Definition, data.Options); err != nil {
		return b.reply(i, false, outcome{err: err})
	}
	req := b.request(i)
	req.Subcommand, req.Options, _ = flattenOptions(data.Options)
	req.Resolved = data.Resolved
	handle, private := b.knowingThread(i, cmd.Handle), cmd.Private
	if mayNotPost(i) {
		handle, private = whisper(handle), true
	}
	return b.run(i, req, handle, false, private)
}

// onComponent answers a click and returns the outcome.
func (b *Bot) onComponent(i *discordgo.Interaction) string {
	data := i.MessageComponentData()
	route, params, ok := b.router.component(data.CustomID)
	if !ok {
		return b.reply(i, true, outcome{err: commands.Userf(staleButton)})
	}
	req := b.request(i)
	req.Params = params
	if i.Message != nil {
		req.MessageID, req.MessageChannelID = i.Message.ID, i.Message.ChannelID
	}
	return b.run(i, req, route.handle, true, route.command.Private)
}

// onAutocomplete answers with choices and returns the outcome.
func (b *Bot) onAutocomplete(i *discordgo.Interaction) string {
	choices, result := b.completions(i)
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	b.send(i, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices}})
	return result
}

// completions asks the command for autocomplete choices; a misshapen request gets none
// rather than reaching the handler.
func (b *Bot) completions(i *discordgo.Interaction) ([]*discordgo.ApplicationCommandOptionChoice, string) {
	data := i.ApplicationCommandData()
	cmd, ok := b.router.command(data.Name)
	if !ok || cmd.Complete == nil || misplaced(i, cmd, func() string { return "" }) != "" {
		return nil, outcomeUserError
	}
	req := b.request(i)
	if req.Subcommand, req.Options, req.Focused, ok = completionOptions(cmd.Definition, data.Options); !ok {
		return nil, outcomeUserError
	}
	ctx, cancel := context.WithTimeout(context.Background(), autocompleteBudget)
	defer cancel()
	choices, err := safeComplete(ctx, cmd, req)
	if err != nil {
		b.log.Error("autocomplete failed", b.attrs(i, err)...)
		return choices, outcomeInternalError
	}
	return choices, outcomeOK
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
// DeferAfter, the interaction is deferred first and the answer follows as an edit. It
// returns the handler's outcome.
func (b *Bot) run(i *discordgo.Interaction, req *commands.Request, handle commands.Handler, isComponent, private bool) string {
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
		return b.reply(i, isComponent, o)
	case <-timer.C:
		deferredEphemeral := b.deferResponse(i, isComponent, private)
		o := <-done
		return b.replyAfterDefer(i, isComponent, deferredEphemeral, o)
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

// reply answers an interaction that has not been acknowledged yet, and returns the
// outcome.
func (b *Bot) reply(i *discordgo.Interaction, isComponent bool, o outcome) string {
	r, label := b.resolve(i, o)
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
	return label
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
// or a click's answer is a new message) a follow-up. It returns the outcome.
func (b *Bot) replyAfterDefer(i *discordgo.Interaction, isComponent, deferredEphemeral bool, o outcome) string {
	r, label := b.resolve(i, o)
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
		return label
	}
	b.followUp(i, r.FollowUp)
	return label
}

// resolve turns a handler outcome into the reply to show, classifying errors:
// user errors are shown as they are and not logged; Discord permission errors
// become a hint; anything else is logged and shown as a generic sentence. The label
// names the outcome for the log and the metrics.
func (b *Bot) resolve(i *discordgo.Interaction, o outcome) (reply *commands.Reply, label string) {
	if o.err == nil {
		return o.reply, outcomeOK
	}
	if u, ok := commands.AsUserError(o.err); ok {
		return commands.Message(true, u.Message), outcomeUserError
	}
	if isForbidden(o.err) {
		b.log.Info("missing permissions", b.attrs(i, o.err)...)
		return commands.Message(true, permissionHint), outcomeForbidden
	}
	if isBusy(o.err) {
		b.log.Warn("database busy", b.attrs(i, o.err)...)
		return commands.Message(true, busyText), outcomeBusy
	}
	b.log.Error("handler failed", b.attrs(i, o.err)...)
	return commands.Message(true, internalErrorText), outcomeInternalError
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
