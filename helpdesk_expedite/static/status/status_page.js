/* The public status page: the times, written in the page's time zone, are
   shown in the visitor's own zone when it differs (and say which). */
(function () {
    "use strict";
    var root = document.documentElement;
    var pageZone = root.getAttribute("data-time-zone");
    var zone;
    try {
        zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
        return;
    }
    var pageCanonical = pageZone;
    try {
        // "Asia/Ho_Chi_Minh" and "Asia/Saigon" are one zone
        pageCanonical = new Intl.DateTimeFormat("en-US", {timeZone: pageZone})
            .resolvedOptions().timeZone;
    } catch (error) {
        // an unknown page zone: show the visitor's
    }
    if (!zone || zone === pageZone || zone === pageCanonical) {
        return;
    }
    var format = new Intl.DateTimeFormat(root.lang || undefined, {
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
    });
    var times = document.querySelectorAll("time.sp-time[datetime]");
    for (var i = 0; i < times.length; i++) {
        var moment = new Date(times[i].getAttribute("datetime"));
        if (!isNaN(moment.getTime())) {
            times[i].title = times[i].textContent;
            times[i].textContent = format.format(moment) + " (" + zone + ")";
        }
    }
})();
