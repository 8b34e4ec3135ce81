"""Drive Chromium through a SCORM package hosted by the test LMS (run as a subprocess, so its
Playwright session never meets the one the browser tests keep open in pytest's thread).

Usage: scorm_runner.py HARNESS_URL PHASE, PHASE being:
- "stop-midway": read the first reading to its end, go on to the second, scroll to its
  third passage, leave (the launch page's LMSFinish saves the suspend point);
- "resume-and-finish": reopen, check where the package resumed, read the rest to the end.
Prints one JSON object with what the page showed.
"""

import json
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


def content(page):
    frame = page.frame(name="sco-content")
    frame.wait_for_load_state()
    return frame


def scroll_to_end(frame) -> None:
    frame.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")


def status(page) -> str:
    return page.frame_locator("#sco").locator("#sco-status").inner_text()


def runtime_status(page) -> str:
    return page.evaluate("window.API.cmi.core.lesson_status")


def main(url: str, phase: str) -> dict:
    result: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 900, "height": 600})
        page.set_default_timeout(15_000)
        page.goto(url)
        page.frame_locator("#sco").locator("#sco-status").filter(has_text="recording").wait_for()
        page.wait_for_function("() => !!window.frames[0] && !!window.frames[0].frames[0]")
        if phase == "stop-midway":
            frame = content(page)
            page.wait_for_function("() => window.frames[0].frames[0].location.pathname.endsWith('r01.html')")
            result["status_at_start"] = runtime_status(page)
            scroll_to_end(frame)
            page.wait_for_timeout(400)
            frame.click("a[rel=next]")
            page.wait_for_function("() => window.frames[0].frames[0].location.pathname.endsWith('r02.html')")
            frame = content(page)
            third = frame.locator("div.passage").nth(2)
            result["stopped_at"] = third.get_attribute("id")
            frame.evaluate(
                "id => document.getElementById(id).scrollIntoView({block: 'start'})", result["stopped_at"]
            )
            page.wait_for_timeout(600)
            result["status_before_leaving"] = runtime_status(page)
            result["location_before_leaving"] = page.evaluate("window.API.cmi.core.lesson_location")
            page.goto("about:blank")  # leaving: pagehide -> LMSFinish
        else:
            page.wait_for_function("() => window.frames[0].frames[0].location.pathname.endsWith('r02.html')")
            frame = content(page)
            result["resumed_at"] = page.evaluate("window.frames[0].frames[0].location.href").rsplit("/", 1)[
                -1
            ]
            scroll_to_end(frame)
            page.wait_for_timeout(400)
            frame.click("a[rel=next]")
            page.wait_for_function("() => window.frames[0].frames[0].location.pathname.endsWith('r03.html')")
            frame = content(page)
            page.wait_for_timeout(400)
            result["status_on_last_page_before_its_end"] = runtime_status(page)
            scroll_to_end(frame)
            page.frame_locator("#sco").locator("#sco-status").filter(has_text="Completed").wait_for()
            result["status_text"] = status(page)
            result["runtime_status"] = runtime_status(page)
            page.goto("about:blank")
        browser.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
