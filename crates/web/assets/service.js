// Keyboard shortcuts for agents (CS-1): in the inbox j/k move between tickets and o or Enter opens
// one; on a ticket r starts an answer, n a note, t takes the ticket, e goes to the escalation
// reason, and Ctrl+Enter in the answer box sends it. Keys typed into a field are the field's.
(function () {
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  var selected = -1;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.ticket-row")); }
  function select(i) {
    var all = rows();
    if (!all.length) return;
    selected = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (r, n) { r.classList.toggle("selected", n === selected); });
    all[selected].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    var reply = document.getElementById("reply-body");
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target === reply) {
      e.preventDefault();
      document.getElementById("send-reply").click();
      return;
    }
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    var click = function (id) { var b = document.getElementById(id); if (b) { e.preventDefault(); b.click(); } };
    switch (e.key) {
      case "j": select(selected + 1); break;
      case "k": select(selected - 1); break;
      case "o":
      case "Enter": {
        var all = rows();
        if (selected >= 0 && all[selected]) { e.preventDefault(); all[selected].querySelector("a").click(); }
        break;
      }
      case "r": if (reply) { e.preventDefault(); reply.focus(); } break;
      case "n": if (reply) { e.preventDefault(); reply.focus(); reply.dataset.kind = "note"; } break;
      case "t": click("take"); break;
      case "e": { var r = document.getElementById("escalate-reason"); if (r) { e.preventDefault(); r.focus(); } break; }
    }
  });
})();
