package fakediscord

import "testing"

// Subscribers hear of a change before its call is recorded, so whoever sees the call with
// WaitForCall or Calls finds the call's events already delivered (the sandbox relies on
// it to print the bot's answer before its next prompt).
func TestEventsBeforeTheCallIsRecorded(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	recorded := make(chan int, 1)
	defer srv.Subscribe(func(Event) { recorded <- len(srv.Calls()) })()
	before := len(srv.Calls())
	if _, err := dg.ChannelMessageSend("c1", "Step 1 of 6"); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, recorded); got != before {
		t.Errorf("the subscriber saw %d calls recorded, want %d (its own not yet)", got, before)
	}
}
