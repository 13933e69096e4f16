package rag

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/news"
)

// answer asks one question of a library of 200 passages holding hits, in
// which the words of everyday questions ("annual", "won", "year", "long")
// are common, and fails the test on an error.
func answer(t *testing.T, hits []news.Hit, q string) news.Answer {
	t.Helper()
	common := map[string]int{"annual": 60, "revenue": 60, "won": 80, "year": 90, "long": 80, "law": 50, "go": 90, "cost": 40, "tall": 30, "population": 20, "right": 80, "capital": 30, "tallest": 10, "mountain": 10, "built": 40, "founded": 40, "hot": 20, "surface": 20, "fast": 30, "weigh": 10, "deep": 20, "launch": 30, "launched": 30, "originally": 20, "supposed": 20, "fighting": 20, "stand": 30, "language": 20, "speak": 30, "currency": 20, "use": 90, "boiling": 5, "point": 60, "water": 30, "cars": 60, "deliver": 40}
	got, err := NewService(libraryRetriever(hits, common), testOptions()).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestFigureTheArticlesNeverGiveDeclines(t *testing.T) {
	day := time.Date(2023, 11, 30, 0, 0, 0, 0, time.UTC)
	deal := hit("a-deal", "TechCrunch", 0, "Cubic Telecom, which links cars to mobile networks, has picked up €473 million from SoftBank Corp. "+
		"SoftBank is taking a 51% stake in the Dublin-based Cubic Telecom.", day)
	tests := []struct {
		name     string
		hits     []news.Hit
		question string
		want     string // in the answer; "" for a decline
		decline  string // in the decline
	}{
		{name: "revenue asked, only a price paid", hits: []news.Hit{deal},
			question: "What's Cubic Telecom's annual revenue?", decline: "Cubic Telecom, but none of them gives that sum"},
		{name: "capacity asked, only a crowd", hits: []news.Hit{hit("a-hampden", "BBC", 0,
			"Scotland beat Spain 2-0 in front of a crowd of 48,000 at Hampden Park on Tuesday.", day)},
			question: "how many people does hampden park hold?", decline: "gives the capacity"},
		{name: "capacity given", hits: []news.Hit{hit("a-hampden", "BBC", 0,
			"Hampden Park, which seats 51,866, will host Scotland's next qualifier.", day)},
			question: "how many people does hampden park hold?", want: "51,866"},
		{name: "revenue given", hits: []news.Hit{deal, hit("a-results", "TechCrunch", 0,
			"Cubic Telecom reported revenue of €120 million last year, up from €90 million.", day)},
			question: "What's Cubic Telecom's annual revenue?", want: "€120 million"},
		{name: "price asked in lower case, none given", hits: []news.Hit{hit("a-barbie", "The Guardian", 0,
			"Mattel has been criticised for its new Barbie doll honouring Wilma Mankiller, the first female Principal Chief of the Cherokee Nation.", day)},
			question: "how much does the wilma mankiller barbie cost", decline: "gives that sum"},
		{name: "price given", hits: []news.Hit{hit("a-barbie", "The Guardian", 0,
			"Mattel's new Barbie doll honouring Wilma Mankiller costs $35 and goes on sale this week.", day)},
			question: "how much does the wilma mankiller barbie cost", want: "$35"},
		{name: "another man's age", hits: []news.Hit{hit("a-wild", "Sporting News", 0,
			"The Wild fired coach Dean Evason and named John Hynes as his replacement. "+
				"The 59-year-old Evason began his coaching career in 1998.", day)},
			question: "How old is John Hynes, the Wild's new coach?", decline: "John Hynes"},
		{name: "his age", hits: []news.Hit{hit("a-wild", "Sporting News", 0,
			"The Wild fired coach Dean Evason and named John Hynes as his replacement. "+
				"Hynes, 48, coached the Devils and the Predators.", day)},
			question: "How old is John Hynes, the Wild's new coach?", want: "48"},
		{name: "his age, as a description after his name", hits: []news.Hit{hit("a-schmidt", "The Roar", 0,
			"Rugby Australia wants coach Joe Schmidt for the Wallabies job. Schmidt's expertise proved telling at the World Cup. "+
				"Importantly, the 58-year-old, The Roar understands, is interested in the role.", day)},
			question: "How old is Joe Schmidt?", want: "58-year-old"},
		{name: "her age, told by her first name", hits: []news.Hit{hit("a-britney", "The Independent", 0,
			"Britney Spears has published a memoir. Fans note that Britney, 41, wrote it herself.", day)},
			question: "How old is Britney Spears?", want: "Britney, 41"},
		{name: "a description of someone the sentence names", hits: []news.Hit{hit("a-hawks", "Sporting News", 0,
			"Seth Jones played 25 minutes for Chicago on Tuesday. Coach Luke Richardson did not hold the 18-year-old back.", day)},
			question: "How old is Seth Jones?", decline: "gives the age"},
		{name: "a son's name", hits: []news.Hit{hit("a-gellar", "The Independent", 0,
			"Sarah Michelle Gellar said her son's Roblox account was hacked. "+
				"Gellar - who shares son Rocky, 11, and daughter Charlotte Grace, 14, with husband Freddie Prinze Jr - posted the bill.", day)},
			question: "what's the name of sarah michelle gellar's son?", want: "Rocky"},
		{name: "a wife's name, before the relation", hits: []news.Hit{hit("a-longfellow", "Fox News", 0,
			"Henry Wadsworth Longfellow wrote the poem on Christmas Day, 1863. Fanny, his wife of 18 years, had died in a fire at their home.", day)},
			question: "what was longfellow's wife's name?", want: "Fanny, his wife"},
		{name: "a wife never named", hits: []news.Hit{hit("a-kalmus", "NPR", 0,
			"NASA climate scientist Peter Kalmus gave up flying years ago. His wife supports his protests, Kalmus said.", day)},
			question: "whats peter kalmus's wife's name?", decline: "gives the wife's name"},
		{name: "the son of someone sharing a first name", hits: []news.Hit{hit("a-morgan", "Fox News", 0,
			"Country star Craig Morgan re-recorded Redneck Yacht Club this year. "+
				"James Bond star Daniel Craig shares a daughter with wife Rachel Weisz and is step-dad to her son Henry.", day)},
			question: "what was the name of craig morgan's son?", decline: "gives the son's name"},
		{name: "ages of others beside his name", hits: []news.Hit{hit("a-gellar", "The Independent", 0,
			"Sarah Michelle Gellar said her son's Roblox account was hacked. "+
				"Gellar - who shares son Rocky, 11, and daughter Charlotte Grace, 14, with husband Freddie Prinze Jr - posted the bill on Instagram.", day)},
			question: "How old is Freddie Prinze Jr?", decline: "gives the age"},
		{name: "his age, told of him", hits: []news.Hit{hit("a-scorsese", "The Guardian", 0,
			"Martin Scorsese has made 27 features. He is now 80 years old, and his 27th, Killers of the Flower Moon, is a strong argument for late greatness.", day)},
			question: "How old is Martin Scorsese now?", want: "80 years old"},
		{name: "height never given", hits: []news.Hit{hit("a-box", "The Age", 0,
			"Jai Opetaia delivered a brutal first-round knockout of Ellis Zorro in Saudi Arabia to move to 24-0.", day)},
			question: "how tall is jai opetaia", decline: "gives the height"},
		{name: "height asked, only a fee in millions", hits: []news.Hit{hit("a-box", "The Age", 0,
			"Jai Opetaia signed a £1.9m deal to defend his title in Saudi Arabia.", day)},
			question: "how tall is jai opetaia", decline: "gives the height"},
		{name: "height given", hits: []news.Hit{hit("a-box", "The Age", 0,
			"Jai Opetaia, who stands 6ft 3in, delivered a brutal first-round knockout of Ellis Zorro in Saudi Arabia.", day)},
			question: "how tall is jai opetaia", want: "6ft 3in"},
		{name: "height written with hyphens, in a sentence referring back", hits: []news.Hit{hit("a-spurs", "Sporting News", 0,
			"Victor Wembanyama leads all rookies in blocks. His defense, highlighted by his 7-foot-4 height and 8-foot wingspan, has been a revelation.", day)},
			question: "how tall is wembanyama", want: "7-foot-4"},
		{name: "height of whoever the sentence before names", hits: []news.Hit{hit("a-spurs", "Sporting News", 0,
			"Victor Wembanyama leads all rookies in blocks. Spurs center Zach Collins starts beside him. His 6-foot-11 frame helps.", day)},
			question: "how tall is wembanyama", decline: "gives the height"},
		{name: "how long, a distance", hits: []news.Hit{hit("a-bears", "Sporting News", 0,
			"The Bears held on against the Panthers when Pineiro's field goal attempt fell short from 59 yards out as time expired.", day)},
			question: "how long was the field goal pineiro missed at the end of the bears game", want: "59 yards"},
		{name: "a role asked, the company only mentioned", hits: []news.Hit{hit("a-starnews", "TechCrunch", 0,
			"StarNews has over 4 million subscribers through its partnerships with MTN Group and Orange across six markets.", day)},
			question: "who's the ceo of MTN group?", decline: "MTN, but none of them says who the ceo is"},
		{name: "a role named without its holder", hits: []news.Hit{hit("a-epoch", "NPR", 0,
			"Neither the chairman nor the editor-in-chief of The Epoch Times returned requests for comment.", day)},
			question: "whos the editor in chief of the epoch times", decline: "says who the editor"},
		{name: "a role given", hits: []news.Hit{hit("a-cruise", "TechCrunch", 0,
			"Cruise, GM's robotaxi company, paused its driverless rides. Its CEO Kyle Vogt apologised on Monday.", day)},
			question: "Who is the CEO of Cruise, GM's robotaxi company?", want: "Kyle Vogt"},
		{name: "a free agent is no agent", hits: []news.Hit{hit("a-soto", "Sporting News", 0,
			"Juan Soto headlines a free agent market that also has Yoshinobu Yamamoto.", day)},
			question: "who's juan soto's agent?", decline: "says who the agent is"},
		{name: "who founded, told", hits: []news.Hit{hit("a-discogs", "The Verge", 0,
			"Discogs was founded by Kevin Lewandowski in 2000 as a database of electronic music.", day)},
			question: "who founded discogs?", want: "Kevin Lewandowski"},
		{name: "who founded, only mentioned", hits: []news.Hit{hit("a-white", "The Independent", 0,
			"The White Company is known for its carefully crafted products and attention to detail.", day)},
			question: "who founded the white company?", decline: "says who founded it"},
		{name: "who voices, only the part mentioned", hits: []news.Hit{hit("a-sm2", "Polygon", 0,
			"A refreshing take on Mary Jane’s stealth missions makes her a strong character in Marvel’s Spider-Man 2.", day)},
			question: "who voices mary jane in spider-man 2?", decline: "says who voices it"},
		{name: "who voices, the cast in brackets", hits: []news.Hit{hit("a-cn", "Polygon", 0,
			"Castlevania: Nocturne follows demon slayer Richter Belmont (Edward Bluemel) to France in search of vengeance.", day)},
			question: "Who voices Richter Belmont in Castlevania: Nocturne?", want: "Edward Bluemel"},
		{name: "the voice of, told", hits: []news.Hit{hit("a-venom", "IGN", 0,
			"Tony Todd voices Venom in Marvel's Spider-Man 2, and his menace fills every scene.", day)},
			question: "who does the voice of venom in spider-man 2?", want: "Tony Todd"},
		{name: "a coordinator asked, only the head coach", hits: []news.Hit{hit("a-nd", "USA Today", 0,
			"\"I think the entire team was hungry,\" Notre Dame coach Marcus Freeman said after the win over USC. The defensive coordinator had the unit ready.", day)},
			question: "who's notre dame's defensive coordinator?", decline: "says who the defensive coordinator is"},
		{name: "when someone took over, not told", hits: []news.Hit{hit("a-wmg", "Business Insider", 0,
			"In recent months, Warner Music Group CEO Robert Kyncl has been keeping a close eye on AI in the music industry.", day)},
			question: "when did robert kyncl take over as ceo of warner music?", decline: "says when that was"},
		{name: "when someone took over", hits: []news.Hit{hit("a-wmg", "Business Insider", 0,
			"Robert Kyncl took over as CEO of Warner Music Group on January 1, 2023, after years at YouTube.", day)},
			question: "when did robert kyncl take over as ceo of warner music?", want: "January 1, 2023"},
		{name: "what date, a year alone", hits: []news.Hit{hit("a-sm2", "Polygon", 0,
			"In Marvel's Spider-Man 2 you play as Miles Morales, who came out of his eponymous debut in 2020 on the PS5.", day)},
			question: "what date did marvel's spider-man 2 come out on ps5?", decline: "says when that was"},
		{name: "what date, a day", hits: []news.Hit{hit("a-sm2", "Polygon", 0,
			"Marvel's Spider-Man 2 came out on the PS5 on October 20, 2023.", day)},
			question: "what date did marvel's spider-man 2 come out on ps5?", want: "October 20"},
		{name: "a battery's life, a subscription's months", hits: []news.Hit{hit("a-kindle", "The Verge", 0,
			"The Kindle Scribe drops to $279 with three months of Kindle Unlimited included. The Kindle Scribe has a larger battery and a 10.2-inch display.", day)},
			question: "how long does the kindle scribe battery last on one charge?", decline: "gives that length"},
		{name: "a battery's life", hits: []news.Hit{hit("a-kindle", "The Verge", 0,
			"The Kindle Scribe battery lasts up to 12 weeks of reading on one charge.", day)},
			question: "how long does the kindle scribe battery last on one charge?", want: "12 weeks"},
		{name: "salary-wise, no sum", hits: []news.Hit{hit("a-howe", "The Age", 0,
			"Jeremy Howe’s rib injury did not prevent him celebrating Collingwood’s premiership.", day)},
			question: "What's Jeremy Howe on, salary-wise, at Collingwood?", decline: "gives that sum"},
		{name: "the price of another purchase", hits: []news.Hit{hit("a-ms", "The Verge", 0,
			"Microsoft paid $69 billion to buy Activision Blizzard, its largest deal, after buying Minecraft and the studios behind Fallout.", day)},
			question: "how much did microsoft pay to buy bethesda?", decline: "gives that sum"},
		{name: "the price of the purchase asked", hits: []news.Hit{hit("a-ms", "The Verge", 0,
			"Microsoft paid $7.5 billion to buy Bethesda in 2020.", day)},
			question: "how much did microsoft pay to buy bethesda?", want: "$7.5 billion"},
		{name: "a price in another currency", hits: []news.Hit{hit("a-rb", "The Verge", 0,
			"I was impressed by the $299 Ray-Ban Meta smart glasses, which come with rose-coloured lenses.", day)},
			question: "how much are the ray-ban meta smart glasses in australian dollars?", decline: "gives that sum"},
		{name: "a price in the currency asked", hits: []news.Hit{hit("a-rb", "The Verge", 0,
			"In Australia the Ray-Ban Meta smart glasses cost A$449.", day)},
			question: "how much are the ray-ban meta smart glasses in australian dollars?", want: "A$449"},
		{name: "who directed, no director named", hits: []news.Hit{hit("a-sammo", "Polygon", 0,
			"The original Jaws is back in cinemas this summer, and it was directed with real menace.", day)},
			question: "who directed the original jaws?", decline: "says who directed it"},
		{name: "who directed, told", hits: []news.Hit{hit("a-sly", "Polygon", 0,
			"Sly, the Netflix documentary on Sylvester Stallone, was directed by Thom Zimny.", day)},
			question: "who directed sly, the stallone documentary on netflix?", want: "Thom Zimny"},
		{name: "how long a track is, only the laps of a race", hits: []news.Hit{hit("a-ll", "Sportskeeda", 0,
			"With just nine laps to go at the Lernerville Speedway track, Kyle Larson was leading the race.", day)},
			question: "how long is the track at lernerville speedway?", decline: "gives that length"},
		{name: "how long a track is", hits: []news.Hit{hit("a-ll", "Sportskeeda", 0,
			"The Lernerville Speedway track is a 0.41-mile dirt oval.", day)},
			question: "how long is the track at lernerville speedway?", want: "0.41-mile"},
		{name: "a real name, not given", hits: []news.Hit{hit("a-esfand", "The Verge", 0,
			"Twitch creator EsfandTV is a real star: 1.2 million followers follow him for his sports streaming.", day)},
			question: "what's esfandtv's real name?", decline: "gives their real name"},
		{name: "a real name", hits: []news.Hit{hit("a-spice", "Billboard", 0,
			"Ice Spice, whose real name is Isis Naija Gaston, grew up in the Bronx.", day)},
			question: "What's Ice Spice's real name?", want: "Isis Naija Gaston"},
		{name: "where a startup is based, not told", hits: []news.Hit{hit("a-deft", "TechCrunch", 0,
			"Deft, the ecommerce search startup, raised $1.8 million in a seed round from Hustle Fund, and its city hall pitch won fans.", day)},
			question: "what city is deft (the ecommerce search startup) based in?", decline: "says where it is based"},
		{name: "where a startup is based", hits: []news.Hit{hit("a-sh", "TechCrunch", 0,
			"One Portland, Maine-based startup, Simply Homes, buys single-family homes in blighted neighbourhoods.", day)},
			question: "where's the affordable housing startup simply homes based", want: "Portland"},
		{name: "when a funeral is, only the death dated", hits: []news.Hit{hit("a-bk", "BBC", 0,
			"Bill Kenwright died on Monday, October 23, his family said. Plans for his funeral have not been announced.", day)},
			question: "when's bill kenwright's funeral happening?", decline: "says when that is"},
		{name: "when a funeral is", hits: []news.Hit{hit("a-bk", "BBC", 0,
			"Bill Kenwright's funeral will be held at Liverpool Cathedral on November 14.", day)},
			question: "when's bill kenwright's funeral happening?", want: "November 14"},
		{name: "who was the first, only this year's winners", hits: []news.Hit{hit("a-nobel", "AP", 0,
			"Three scientists won the Nobel Prize in chemistry, and the woman among them, Louis Brus's colleague, spoke of her surprise.", day)},
			question: "who was the first woman to win a nobel prize?", decline: "says who was the first"},
		{name: "who was the first", hits: []news.Hit{hit("a-nobel", "AP", 0,
			"Marie Curie was the first woman to win a Nobel Prize, in 1903.", day)},
			question: "who was the first woman to win a nobel prize?", want: "Marie Curie"},
		{name: "what country someone is from, not told", hits: []news.Hit{hit("a-torres", "Sportskeeda", 0,
			"Gleyber Torres's exit from the Yankees becomes the talk of the town as the country's biggest club looks to rebuild.", day)},
			question: "what country is gleyber torres from originally", decline: "says where they come from"},
		{name: "what country someone is from", hits: []news.Hit{hit("a-torres", "Sportskeeda", 0,
			"Gleyber Torres, a native of Caracas, Venezuela, originally signed with the Cubs, the country's oldest club.", day)},
			question: "what country is gleyber torres from originally", want: "Venezuela"},
		{name: "where money from something goes is no origin", hits: []news.Hit{hit("a-swift", "BBC", 0,
			"All proceeds from the track Welcome to New York are donated to New York City's Public Schools.", day)},
			question: "where do the proceeds from taylor's welcome to new york go?", want: "Public Schools"},
		{name: "a ratio of debt is no sum", hits: []news.Hit{hit("a-ph", "BusinessWorld", 0,
			"The plan narrows the deficit so that the debt-to-GDP ratio is reduced from nearly 61% in 2022 to at most 53% by 2028.", day)},
			question: "what debt-to-gdp ratio is the philippines aiming to get down to by 2028?", want: "53%"},
		{name: "what a bill is called asks a name", hits: []news.Hit{hit("a-ai", "The Verge", 0,
			"The Schatz-Kennedy AI Labeling Act, as they're calling it, would require AI developers to disclose AI-generated content.", day)},
			question: "whats the bill that schatz and kennedy put forward about labeling AI generated content called", want: "AI Labeling Act"},
		{name: "a name asked far after a relation is not the relative's", hits: []news.Hit{hit("a-holiday", "The Independent", 0,
			"Saba Lurie is a licensed marriage and family therapist at Take Root Therapy in California.", day)},
			question: "that independent article about bringing your boyfriend home for the holidays quoted a therapist from take root therapy in california - whats her name", want: "Saba Lurie"},
		{name: "who was a country's first, only someone else named", hits: []news.Hit{hit("a-crown", "BBC", 0,
			"Diana told a journalist at the time that the prime minister, Tony Blair, had asked her to undertake missions abroad for Britain.", day)},
			question: "who was the uk's first female prime minister?", decline: "says who was the first"},
		{name: "attendance asked, none given", hits: []news.Hit{hit("a-bears", "ESPN", 0,
			"The Bears beat the Vikings on Monday night, with Justin Fields back under center after four games out.", day)},
			question: "what was the attendance for the bears vs vikings monday night game?", decline: "gives the attendance"},
		{name: "attendance told as a crowd", hits: []news.Hit{hit("a-bears", "ESPN", 0,
			"A crowd of 66,854 watched the Bears beat the Vikings on Monday night.", day)},
			question: "what was the attendance for the bears vs vikings monday night game?", want: "66,854"},
		{name: "an APR asked, none given", hits: []news.Hit{hit("a-delta", "Business Insider", 0,
			"The Delta SkyMiles Gold Business American Express Card earns 2X miles on Delta purchases; see this page for its balance transfer rates and fees.", day)},
			question: "what's the balance transfer apr on the delta skymiles gold business amex?", decline: "gives the rate"},
		{name: "an APR given", hits: []news.Hit{hit("a-delta", "Business Insider", 0,
			"The Delta SkyMiles Gold Business American Express Card has a balance transfer APR of 20.99% to 29.99% variable.", day)},
			question: "what's the balance transfer apr on the delta skymiles gold business amex?", want: "20.99%"},
		{name: "a sum asked after ending up, none given", hits: []news.Hit{hit("a-kane", "Sporting News", 0,
			"Free agent winger Patrick Kane is closing in on signing with a team, and the Red Wings acquired his old partner Alex DeBrincat.", day)},
			question: "did patrick kane end up signing with the red wings or somewhere else? how much is the deal", decline: "gives that sum"},
		{name: "a price asked, only a share paid", hits: []news.Hit{hit("a-simply", "TechCrunch", 0,
			"Simply Homes bought its first home in January, and under the voucher program the tenant pays 30% of their adjusted monthly income.", day)},
			question: "how much did simply homes pay for the very first house it bought back in january?", decline: "gives that sum"},
		{name: "a fighter's record asked, none given", hits: []news.Hit{hit("a-twitch", "The Verge", 0,
			"The UFC runs watch-along streams hosted by former mixed martial artist Jens Pulver.", day)},
			question: "whats jens pulver's pro mma record? the guy hosting the ufc watch-alongs on twitch", decline: "gives the record"},
		{name: "a fighter's record", hits: []news.Hit{hit("a-twitch", "The Verge", 0,
			"The UFC runs watch-along streams hosted by Jens Pulver, who retired with a 27-20-1 pro record.", day)},
			question: "whats jens pulver's pro mma record? the guy hosting the ufc watch-alongs on twitch", want: "27-20-1"},
		{name: "a score asked of two sides, only another game's", hits: []news.Hit{hit("a-bowl", "Sporting News", 0,
			"Alabama and Michigan meet in the Rose Bowl on January 1. UCLA topped Colorado 28-16 at the Rose Bowl in October.", day)},
			question: "what was the final score of the rose bowl, alabama vs michigan?", decline: "gives the score"},
		{name: "a score asked of two sides", hits: []news.Hit{hit("a-bowl", "Sporting News", 0,
			"Michigan beat Alabama 27-20 in overtime at the Rose Bowl.", day)},
			question: "what was the final score of the rose bowl, alabama vs michigan?", want: "27-20"},
		{name: "a language asked, only a language barrier", hits: []news.Hit{hit("a-manu", "Sporting News", 0,
			"The coach told Marca in Brazil that he is not thrilled about a Premier League job because of the language barrier.", day)},
			question: "what language do they speak in Brazil?", decline: "names the language"},
		{name: "a language asked", hits: []news.Hit{hit("a-brazil", "Reuters", 0,
			"In Brazil, where people speak Portuguese, the final drew a record television audience.", day)},
			question: "what language do they speak in Brazil?", want: "Portuguese"},
		{name: "college asked, only his team now", hits: []news.Hit{hit("a-49ers", "Sporting News", 0,
			"Fred Warner made the play of the night in the 49ers football game: a sack, a forced fumble and an interception.", day)},
			question: "where did fred warner play college football?", decline: "says where they went to college"},
		{name: "college told", hits: []news.Hit{hit("a-purdy", "Sporting News", 0,
			"Brock Purdy, the last pick of the 2022 draft out of Iowa State, has the 49ers at 8-3.", day)},
			question: "where did brock purdy go to college", want: "Iowa State"},
		{name: "a poll of college coaches asks no college", hits: []news.Hit{hit("a-poll", "The Athletic", 0,
			"In The Athletic's poll, 94% of college football coaches said Michigan should be punished.", day)},
			question: "in the athletic's poll, what percent of college football coaches said michigan should be punished?", want: "94%"},
		{name: "the college game names no college", hits: []news.Hit{hit("a-moore", "USA Today", 0,
			"The Wolverines won 24-15 under interim coach Sherrone Moore, but the fallout reaches this year's College Football Playoff race.", day)},
			question: "where did sherrone moore play his college football?", decline: "says where they went to college"},
		{name: "an alma mater", hits: []news.Hit{hit("a-afro", "Billboard", 0,
			"AfroFuture CEO Abdul Karim Abdullah first booked Big Sean at his alma mater in upstate New York.", day)},
			question: "where did afrofuture's ceo abdul karim abdullah go to college?", want: "alma mater"},
		{name: "a price target, none given", hits: []news.Hit{hit("a-ntpc", "Business Line", 0,
			"NTPC is looking to unlock value in NTPC Green Energy by way of an IPO, and its share price has gained ₹100 since August.", day)},
			question: "what's the price target on ntpc", decline: "gives that sum"},
		{name: "a price target given", hits: []news.Hit{hit("a-ntpc", "Business Line", 0,
			"We raise our target price on NTPC to ₹310 as earnings grow.", day)},
			question: "what's the price target on ntpc", want: "₹310"},
		{name: "who won, another contest told", hits: []news.Hit{hit("a-h2h", "Sporting News", 0,
			"United's tally of 12 FA Cup triumphs is eight more than Chelsea have claimed. Chelsea won the FA Cup final in 2018.", day)},
			question: "Who won the United Cup final this year?", decline: "says who won"},
		{name: "who won, the contest told", hits: []news.Hit{hit("a-uc", "The Age", 0,
			"Germany won the United Cup final on Sunday, beating Poland 2-1 in Sydney.", day)},
			question: "Who won the United Cup final this year?", want: "Germany"},
		{name: "a price paid asked, only revenue", hits: []news.Hit{hit("a-riot", "The Verge", 0,
			"Riot Games, owned by Tencent, made $1.8 billion in revenue last year from League of Legends.", day)},
			question: "how much did tencent pay for riot games", decline: "gives that sum"},
		{name: "a price paid told", hits: []news.Hit{hit("a-riot", "The Verge", 0,
			"Tencent bought Riot Games outright in 2015, having paid $400 million for a majority stake in 2011.", day)},
			question: "how much did tencent pay for riot games", want: "$400 million"},
		{name: "a ranking asked, none given", hits: []news.Hit{hit("a-popyrin", "The Age", 0,
			"Alexei Popyrin now faces Lorenzo Musetti, who is climbing the rankings, on Friday.", day)},
			question: "What's Alexei Popyrin's ranking right now?", decline: "gives the ranking"},
		{name: "a ranking given", hits: []news.Hit{hit("a-popyrin", "The Age", 0,
			"Alexei Popyrin, now ranked No.40, faces Lorenzo Musetti on Friday.", day)},
			question: "What's Alexei Popyrin's ranking right now?", want: "No.40"},
		{name: "the credit a card needs, not told", hits: []news.Hit{hit("a-amex", "CNBC", 0,
			"If you need a card that tops our rewards score, the American Express Cash Magnet card lets you redeem cash back for statement credits.", day)},
			question: "What credit score do you need to get approved for the Amex Cash Magnet card?", decline: "says the credit needed"},
		{name: "the credit a card needs, told", hits: []news.Hit{hit("a-amex", "CNBC", 0,
			"To get approved for the American Express Cash Magnet card you need good to excellent credit, a score of 670 or more.", day)},
			question: "What credit score do you need to get approved for the Amex Cash Magnet card?", want: "good to excellent credit"},
		{name: "counts are charges", hits: []news.Hit{hit("a-becker", "The Independent", 0,
			"Boris Becker was convicted of four charges under the Insolvency Act, having been accused of hiding assets.", day)},
			question: "how many counts was boris becker convicted on?", want: "four charges"},
		{name: "a word beside the counted ones", hits: []news.Hit{hit("a-smu", "Sporting News", 0,
			"Only 20,800 fans filled the 32,000-capacity stadium for SMU's 69-10 homecoming win over Tulsa.", day)},
			question: "how many fans actually turned up for smu's homecoming win over tulsa?", want: "20,800 fans"},
		{name: "weight in grams", hits: []news.Hit{hit("a-frames", "The Verge", 0,
			"The Carrera Cruiser frames are made of a lightweight acetate weighing 46.3g.", day)},
			question: "how much do the carrera cruiser echo frames weigh?", want: "46.3g"},
		{name: "weight asked, a 5G phone", hits: []news.Hit{hit("a-phone", "The Verge", 0,
			"The Galaxy A54 is a 5G phone that sells for $449.", day)},
			question: "how much does the galaxy a54 weigh?", decline: "gives the weight"},
		{name: "how fast a number grows", hits: []news.Hit{hit("a-roblox", "The Verge", 0,
			"In Q1 of 2023, Roblox was growing its headcount at 50 percent a year, which is very rapid.", day)},
			question: "roblox's headcount was growing how fast in Q1 2023?", want: "50 percent"},
		{name: "revenue asked with a time after it, only a share price", hits: []news.Hit{hit("a-coin", "CNBC", 0,
			"Coinbase shares rocketed more than 60% in November, to $125, their second-best month since the exchange went public.", day)},
			question: "What was Coinbase's revenue last quarter?", decline: "Coinbase, but none of them gives that sum"},
		{name: "revenue with a time after it, given", hits: []news.Hit{hit("a-coin", "CNBC", 0,
			"Coinbase reported third-quarter revenue of $674 million, down 5% from a year earlier.", day)},
			question: "What was Coinbase's revenue last quarter?", want: "$674 million"},
		{name: "successor asked, only the one who left", hits: []news.Hit{hit("a-usvi", "Fortune", 0,
			"Denise George sued JPMorgan over its ties to Jeffrey Epstein. After George was dismissed last December, Governor Albert Bryan Jr. said he wanted the scandal behind the US Virgin Islands. "+
				"She was named attorney general in 2019, two months before Epstein died. Nobody has replaced Denise George as attorney general of the US Virgin Islands yet, a spokesman for the governor said.", day)},
			question: "Who replaced Denise George as attorney general of the US Virgin Islands?", decline: "Denise George and US Virgin Islands, but none of them says who took over"},
		{name: "successor named", hits: []news.Hit{hit("a-binance", "TechCrunch", 0,
			"Changpeng Zhao, known as CZ, is now out as chief executive of Binance. "+
				"The exchange has named Richard Teng, its former head of regional markets, as its new CEO.", day)},
			question: "who is taking over as binance ceo now that cz is out", want: "Richard Teng"},
		{name: "a price in cents", hits: []news.Hit{hit("a-asx", "The Age", 0,
			"Melbourne biotech Dimerix more than doubled its share price to 16¢ on Thursday after it inked an exclusive licensing deal for its kidney drug.", day)},
			question: "What price did Dimerix shares jump to after the kidney drug licensing deal?", want: "16¢"},
		{name: "funding told as what was raised", hits: []news.Hit{hit("a-talon", "TechCrunch", 0,
			"Palo Alto Networks is in talks to buy Talon Cyber Security. Talon has raised around $143 million from investors since it was founded.", day)},
			question: "How much funding had Talon Cyber Security raised before Palo Alto came knocking?", want: "$143 million"},
		{name: "a price told as what is paid for it", hits: []news.Hit{hit("a-talon", "TechCrunch", 0,
			"Palo Alto Networks is in talks to buy Talon Cyber Security for between $600 million and $700 million, sources said.", day)},
			question: "Heard Palo Alto Networks wants to buy Talon. What's the rumored price?", want: "$600 million"},
		{name: "a length of time in millions of years", hits: []news.Hit{hit("a-dying", "Live Science", 0,
			"The greatest extinction of all time, called the Great Dying, appears to have resulted from a massive release of carbon into the atmosphere 250 million years ago.", day)},
			question: "when did the great dying mass extinction happen, like how long ago", want: "250 million years ago"},
		{name: "jurors counted as a jury", hits: []news.Hit{hit("a-epic", "The Verge", 0,
			"The nine-person jury in Epic v Google decided on Monday that Google has an illegal monopoly over Android app distribution.", day)},
			question: "How many jurors were on the Epic v Google case?", want: "nine-person"},
		{name: "a count of a hyphenated word", hits: []news.Hit{hit("a-amo", "TechCrunch", 0,
			"Many key members of the Zenly team are now working at Amo. In fact, there are 10 co-founders.", day)},
			question: "How many co-founders does Amo have?", want: "10 co-founders"},
		{name: "cars counted as vehicles", hits: []news.Hit{hit("a-nio", "Seeking Alpha", 0,
			"On Friday, the EV maker Nio announced that deliveries rose 12.6% Y/Y but dipped roughly 1% M/M to 15,959 vehicles in November.", day)},
			question: "how many cars did nio deliver in november?", want: "15,959 vehicles"},
		{name: "people counted by what is theirs", hits: []news.Hit{hit("a-jama", "Live Science", 0,
			"The JAMA study screened urine samples from 9,200 pregnant people. In the study, urine screening flagged 610 participants who had used cannabis in pregnancy.", day)},
			question: "In the JAMA study, how many people's urine tested positive for cannabis?", want: "610 participants"},
		{name: "people counted as signatories", hits: []news.Hit{hit("a-letter", "TechCrunch", 0,
			"Mozilla published an open letter calling for more openness in AI. Meta's Yann LeCun joined some 70 other signatories.", day)},
			question: "how many people signed the open letter on openness in AI?", want: "70 other signatories"},
		{name: "microphones counted as mics", hits: []news.Hit{hit("a-glasses", "The Verge", 0,
			"The Ray-Ban Meta smart glasses have a better camera. There are now five mics instead of one, so you sound better on calls.", day)},
			question: "how many microphones are in the new ray-ban meta glasses", want: "five mics"},
		{name: "a count told as a share of the counted", hits: []news.Hit{hit("a-care", "KETV", 0,
			"Each patient who receives a mental health assessment at Children's Nebraska is offered Caring Contacts. About 98% of families agree to join the program, she said.", day)},
			question: "At Children's Nebraska, how many families say yes to the Caring Contacts program?", want: "98% of families"},
		{name: "a count after the counted word and with", hits: []news.Hit{hit("a-vikings", "CBS Sports", 0,
			"As long as Hockenson is playing, he's not being benched. The tight end remains the Vikings' leader in targets with 80 on the season.", day)},
			question: "How many targets does T.J. Hockenson have on the season?", want: "targets with 80"},
		{name: "a share of something else counts no families", hits: []news.Hit{hit("a-care", "KETV", 0,
			"Children's Nebraska offers Caring Contacts to every patient. About 98% of the notes are sent by email, she said.", day)},
			question: "At Children's Nebraska, how many families say yes to the Caring Contacts program?", decline: "gives the number of families"},
		{name: "score asked, only a preview", hits: []news.Hit{hit("a-miami", "Sporting News", 0,
			"Vissel Kobe to face Inter Miami in Tokyo. Following the match with Hong Kong, Inter Miami will head to Tokyo to take on J1 League champions Vissel Kobe.", day)},
			question: "What was the score when Inter Miami played Vissel Kobe in Tokyo?", decline: "gives the score"},
		{name: "score written beside the sides' names", hits: []news.Hit{hit("a-chiefs", "Sporting News", 0,
			"Final: Chiefs 31, Raiders 17. Travis Kelce caught two touchdown passes.", day)},
			question: "what was the final score of the chiefs raiders game", want: "Chiefs 31, Raiders 17"},
		{name: "a credit score is a rating, not a tally", hits: []news.Hit{hit("a-card", "CNBC", 0,
			"To be approved for the Amex Cash Magnet card, you generally need a credit score of 670 or higher.", day)},
			question: "What credit score do you need for the Amex Cash Magnet card?", want: "670"},
		{name: "a price by the month, given", hits: []news.Hit{hit("a-uber", "TechCrunch", 0,
			"Uber One, its membership program, costs $9.99 a month and now has 15 million members.", day)},
			question: "how much does uber one cost a month", want: "$9.99 a month"},
		{name: "pay by the year asked, only the company's sums", hits: []news.Hit{hit("a-nike", "CNBC", 0,
			"Nike reported revenue of $12.94 billion. \"We feel good about the market there,\" said CEO John Donahoe.", day)},
			question: "what's nike ceo john donahoe paid a year?", decline: "gives that sum"},
		{name: "when a show finishes up, never said", hits: []news.Hit{hit("a-art", "The Guardian", 0,
			"Vincent Namatjira's portrait of his great-grandfather is part of his Desert Songs series showing in Sydney. The artist was born in 1983.", day)},
			question: "When does Vincent Namatjira's Desert Songs show in Sydney finish up?", decline: "says when that was"},
		{name: "when a show finishes up, said", hits: []news.Hit{hit("a-art", "The Guardian", 0,
			"The portraits are new. Vincent Namatjira's Desert Songs series shows in Sydney until January 28.", day)},
			question: "When does Vincent Namatjira's Desert Songs show in Sydney finish up?", want: "Sydney until January 28"},
		{name: "when a contract runs out, never said", hits: []news.Hit{hit("a-chelsea", "The Guardian", 0,
			"Pochettino bustled his way through those questions on Friday. He made Reece James Chelsea captain because of his leadership.", day)},
			question: "When does Reece James's contract at Chelsea run out?", decline: "says when that was"},
		{name: "a rate is no count", hits: []news.Hit{hit("a-kane", "Sporting News", 0,
			"Patrick Kane was traded to the Rangers in the spring. The Sabres are averaging 2.81 goals per game, the eighth-lowest mark in the league.", day)},
			question: "How many goals did Patrick Kane score for the Rangers after the trade?", decline: "gives the number of goals"},
		{name: "a rate asked", hits: []news.Hit{hit("a-sabres", "Sporting News", 0,
			"The Sabres are averaging 2.81 goals per game, the eighth-lowest mark in the league.", day)},
			question: "How many goals per game are the Sabres averaging?", want: "2.81 goals per game"},
		{name: "a sum in another article only", hits: []news.Hit{
			hit("a-u2", "Billboard", 0, "U2 opened its residency at the Sphere in Las Vegas on Friday. Tickets for the U2 shows at the Sphere sold out within minutes, fans said.", day),
			hit("a-eagles", "Billboard", 0, "Tickets for the Eagles farewell shows at the Sphere cost $150 on average, the promoter said.", day)},
			question: "How much are tickets for U2's shows at the Sphere?", decline: "gives that sum"},
		{name: "a time of day asked, never given", hits: []news.Hit{hit("a-thai", "Eater", 0,
			"The new Thai food spot on Main Street opens on weekends too, and its owners plan a second location.", day)},
			question: "what time does the thai food spot on main street open on weekends?", decline: "gives the time"},
		{name: "a time of day given", hits: []news.Hit{hit("a-apple", "Engadget", 0,
			"Apple is holding its Scary Fast event in the evening. It starts at 8PM ET, and we will cover it live.", day)},
			question: "what time does apple's scary fast event start?", want: "8PM ET"},
		{name: "a superlative of another thing", hits: []news.Hit{hit("a-ski", "Lonely Planet", 0,
			"Canada has some of the longest ski seasons in the world. Its biggest resort sits by a river in the south of British Columbia, close to America.", day)},
			question: "what's the longest river in south america", decline: "says which is the longest"},
		{name: "a superlative of the thing asked", hits: []news.Hit{hit("a-ski", "Lonely Planet", 0,
			"Whistler Blackcomb is the largest ski resort in North America, with 200 runs.", day)},
			question: "what's the largest ski resort in north america", want: "Whistler Blackcomb"},
		{name: "a contract's length asked, only an age", hits: []news.Hit{hit("a-usmnt", "Sporting News", 0,
			"The USMNT will be the debut match for Germany's new coach Julian Nagelsmann, the 36-year-old who signed a contract with the federation in September.", day)},
			question: "How long is Nagelsmann's contract as Germany coach?", decline: "gives that length"},
		{name: "a contract's length asked, only a fee in millions", hits: []news.Hit{hit("a-palmer", "The Guardian", 0,
			"Cole Palmer left Manchester City on a permanent deal and Chelsea forked out £42.5m for him.", day)},
			question: "how long is cole palmer's contract at chelsea?", decline: "gives that length"},
		{name: "running time asked, only months of writing", hits: []news.Hit{hit("a-shayda", "The Age", 0,
			"Shayda is Noora Niasari's first film. Niasari asked her mother to write her memoirs, which took six months, and that writing became the film's script.", day)},
			question: "how long is shayda? runtime wise, trying to plan a movie night", decline: "gives the running time"},
		{name: "running time given", hits: []news.Hit{hit("a-shayda", "The Age", 0,
			"Shayda is Noora Niasari's first film, a taut 117 minutes drawn from her mother's memoirs.", day)},
			question: "how long is shayda? runtime wise, trying to plan a movie night", want: "117 minutes"},
		{name: "a contract's length given", hits: []news.Hit{hit("a-usmnt", "Sporting News", 0,
			"Julian Nagelsmann, 36, signed a contract until the end of the Euros, a deal of ten months, as Germany coach.", day)},
			question: "How long is Nagelsmann's contract as Germany coach?", want: "ten months"},
		{name: "damages asked, none named", hits: []news.Hit{hit("a-helena", "TechCrunch", 0,
			"Helena World Chronicle filed a class action against Google, which it says siphons off ad revenue worth billions of dollars. "+
				"In addition to damages, the suit asks for an injunction.", day)},
			question: "How much is Helena World Chronicle asking Google for in damages?", decline: "gives that sum"},
		{name: "size of a severance, never given", hits: []news.Hit{hit("a-flexport", "Forbes", 0,
			"Flexport founder Ryan Petersen forced out his successor as CEO, Dave Clark, in September. Clark had joined Flexport from Amazon.", day)},
			question: "How big was Dave Clark's severance package from Flexport?", decline: "gives that sum"},
		{name: "size of a severance, given", hits: []news.Hit{hit("a-flexport", "Forbes", 0,
			"Flexport founder Ryan Petersen forced out his successor as CEO, Dave Clark, in September. Clark left with a severance package worth $12 million.", day)},
			question: "How big was Dave Clark's severance package from Flexport?", want: "$12 million"},
		{name: "population asked, only investors' interest", hits: []news.Hit{hit("a-japan", "FT", 0,
			"There is a lot of interest in Japan from family offices, and Japan's stock market rose 25% this year.", day)},
			question: "What's the population of Japan right now?", decline: "Japan, but none of them gives the population"},
		{name: "population given as a count of people", hits: []news.Hit{hit("a-japan", "FT", 0,
			"Japan, home to 124 million people, is ageing faster than any other rich country.", day)},
			question: "What's the population of Japan right now?", want: "124 million people"},
		{name: "his children's ages are not his", hits: []news.Hit{hit("a-prinze", "Fox News", 0,
			"Freddie Prinze Jr. and Sarah Michelle Gellar have been married for more than 20 years. Freddie Prinze Jr. said their kids, now ages 13 and 11, learn from failure.", day)},
			question: "How old is Freddie Prinze Jr?", decline: "gives the age"},
		{name: "capital asked, the country only mentioned", hits: []news.Hit{hit("a-asx", "The Age", 0,
			"The capital raising lifted the miner's shares as Australia's dollar firmed.", day)},
			question: "What is the capital of Australia?", decline: "Australia, but none of them names the capital"},
		{name: "capital named", hits: []news.Hit{hit("a-kaz", "Reuters", 0,
			"Kazakhstan renamed its capital Astana again in 2022, three years after calling it Nur-Sultan.", day)},
			question: "what's the capital of kazakhstan these days?", want: "Astana"},
		{name: "tallest asked, a mountain only mentioned", hits: []news.Hit{hit("a-ski", "Traveller", 0,
			"Quebec's premier ski resort sits at the foot of the eponymous mountain in Africa's favourite travel guide.", day)},
			question: "What's the tallest mountain in Africa?", decline: "says which is the tallest"},
		{name: "tallest told as the highest", hits: []news.Hit{hit("a-kili", "Traveller", 0,
			"Kilimanjaro, the highest mountain in Africa, draws 50,000 climbers a year.", day)},
			question: "What's the tallest mountain in Africa?", want: "Kilimanjaro"},
		{name: "built asked, another building's date", hits: []news.Hit{hit("a-dubai", "Traveller", 0,
			"The Eiffel Tower of the Gulf is how some describe Dubai's wind towers. The Al Fahidi Fort, one of the oldest buildings in Dubai, was built back in 1787.", day)},
			question: "When was the Eiffel Tower built?", decline: "says when that was"},
		{name: "start asked, another event's date", hits: []news.Hit{hit("a-ipl", "Mint", 0,
			"The auction of the Indian Premier League (IPL) 2024 is slated to happen on December 19 in Dubai.", day)},
			question: "When does the 2024 IPL season actually start?", decline: "says when that was"},
		{name: "start asked before a remark, another event's date", hits: []news.Hit{hit("a-ipl", "Mint", 0,
			"The auction of the Indian Premier League (IPL) 2024 is slated to happen on December 19 in Dubai.", day)},
			question: "when does the ipl 2024 season actually start? i know the auction was in dubai", decline: "says when that was"},
		{name: "ruling asked, another case's date", hits: []news.Hit{hit("a-google", "TechCrunch", 0,
			"If Judge Amit Mehta rules against Google, the search giant may have to change its behavior. Google settled a separate lawsuit with Match Group on December 1.", day)},
			question: "when is judge mehta supposed to hand down his ruling in the google search case", decline: "says when that was"},
		{name: "ruling asked and given", hits: []news.Hit{hit("a-google", "TechCrunch", 0,
			"Judge Amit Mehta is expected to rule on the Google search case in early 2024, after closing arguments in May.", day)},
			question: "when is judge mehta supposed to hand down his ruling in the google search case", want: "early 2024"},
		{name: "coming out asked, another show's date", hits: []news.Hit{hit("a-tv", "Polygon", 0,
			"The final season of The Crown came out on Netflix on November 16. Stranger Things remains Netflix's biggest show.", day)},
			question: "When is the final season of Stranger Things coming out?", decline: "says when that was"},
		{name: "start, dated", hits: []news.Hit{hit("a-ipl", "Mint", 0,
			"The IPL 2024 season will start on March 22 in Chennai, a week after the auction in Dubai.", day)},
			question: "When does the 2024 IPL season actually start?", want: "March 22"},
		{name: "start dated of the thing by its kind", hits: []news.Hit{hit("a-united", "The Roar", 0,
			"Lleyton Hewitt will return to captain the Aussie team at the United Cup. Eighteen nations will contest the tournament in Perth and Sydney starting December 29.", day)},
			question: "when does the united cup start?", want: "December 29"},
		{name: "start dated of another thing by its kind", hits: []news.Hit{hit("a-united", "The Roar", 0,
			"Lleyton Hewitt will return to captain the Aussie team at the United Cup. The Australian Open is the next tournament, starting January 14.", day)},
			question: "when does the united cup start?", decline: "says when that was"},
		{name: "founding asked, none dated", hits: []news.Hit{hit("a-rogers", "The Globe", 0,
			"Rogers Communications, which Ted Rogers ran for decades, reported a 12% rise in quarterly profit in 2023.", day)},
			question: "What year did Ted Rogers start Rogers Communications?", decline: "says when"},
		{name: "founding dated", hits: []news.Hit{hit("a-rogers", "The Globe", 0,
			"Ted Rogers founded Rogers Communications in 1960 with a single radio station.", day)},
			question: "What year did Ted Rogers start Rogers Communications?", want: "1960"},
		{name: "start not what is asked", hits: []news.Hit{hit("a-uber", "TechCrunch", 0,
			"Uber let riders and drivers in the US record audio during trips from December 2019.", day)},
			question: "When did Uber let riders start recording audio during trips?", want: "December 2019"},
		{name: "label asked, none named", hits: []news.Hit{hit("a-mclean", "Fox News", 0,
			"Don McLean has just released a new album of classic Christmas tunes, his first holiday record.", day)},
			question: "which record label put out don mclean's christmas album?", decline: "names the label"},
		{name: "label named", hits: []news.Hit{hit("a-mclean", "Fox News", 0,
			"Don McLean's new Christmas album is out now on Time Life Records.", day)},
			question: "which record label put out don mclean's christmas album?", want: "Time Life Records"},
		{name: "label asked, another artist's label", hits: []news.Hit{hit("a-morgan", "Fox News", 0,
			"Craig Morgan is set to release his EP Enlisted next month. Jelly Roll, who tours with him, signed with BBR Music Group, the record label behind his latest album.", day)},
			question: "which record label is putting out craig morgan's enlisted ep?", decline: "names the label"},
		{name: "shirt number asked, a score given", hits: []news.Hit{hit("a-bedard", "NHL", 0,
			"Chicago rookie Connor Bedard helped the Blackhawks to a 4-2 win over the Penguins with 5 shots on goal.", day)},
			question: "What jersey number does Connor Bedard wear for Chicago", decline: "says the number"},
		{name: "shirt number given", hits: []news.Hit{hit("a-bedard", "NHL", 0,
			"Connor Bedard, wearing No. 98 for Chicago, helped the Blackhawks to a 4-2 win over the Penguins.", day)},
			question: "What jersey number does Connor Bedard wear for Chicago", want: "No. 98"},
		{name: "car number asked, none given", hits: []news.Hit{hit("a-larson", "Sporting News", 0,
			"Despite being a full-blown title contender in the NASCAR Cup Series, Kyle Larson runs a successful Sprint Car Series with Hendrick's backing.", day)},
			question: "What number car does Kyle Larson drive for Hendrick?", decline: "says the number"},
		{name: "car number given", hits: []news.Hit{hit("a-larson", "Sporting News", 0,
			"Kyle Larson won the title in the No. 5 Chevrolet for Hendrick Motorsports.", day)},
			question: "What number car does Kyle Larson drive for Hendrick?", want: "No. 5"},
		{name: "a result asked, none given", hits: []news.Hit{hit("a-maersk", "Fortune", 0,
			"Maersk and Hapag-Lloyd said after Q3 they are cutting costs as some fear the slump in container profits will last through 2024.", day)},
			question: "What did Maersk post as its Q3 profit?", decline: "gives that sum"},
		{name: "a result given", hits: []news.Hit{hit("a-maersk", "Fortune", 0,
			"Maersk posted a Q3 profit of $511 million, down 93% from a year earlier.", day)},
			question: "What did Maersk post as its Q3 profit?", want: "$511 million"},
		{name: "a fine asked, another sum given", hits: []news.Hit{hit("a-niners", "ESPN", 0,
			"Dre Greenlaw was ejected after a scuffle with the Eagles' security chief, in a game the 49ers, with a $1.2 billion payroll, won 42-19.", day)},
			question: "how much did the nfl fine dre greenlaw for that scuffle", decline: "gives that sum"},
		{name: "a fine given", hits: []news.Hit{hit("a-niners", "ESPN", 0,
			"The NFL fined Dre Greenlaw $10,927 for his scuffle with the Eagles' security chief.", day)},
			question: "how much did the nfl fine dre greenlaw for that scuffle", want: "$10,927"},
		{name: "founded, dated", hits: []news.Hit{hit("a-ftx", "The Verge", 0,
			"Sam Bankman-Fried's FTX, founded in 2019, collapsed in November 2022.", day)},
			question: "What year was FTX founded?", want: "2019"},
		{name: "temperature asked, none given", hits: []news.Hit{hit("a-sphere", "The Age", 0,
			"The Sphere's screens show the surface of Venus in a show that runs 50 minutes.", day)},
			question: "How hot does it get on the surface of Venus?", decline: "gives the temperature"},
		{name: "temperature given", hits: []news.Hit{hit("a-venus", "Science News", 0,
			"The surface of Venus bakes at about 465 degrees Celsius under its thick clouds.", day)},
			question: "How hot does it get on the surface of Venus?", want: "465 degrees"},
		{name: "speed given", hits: []news.Hit{hit("a-train", "The Guardian", 0,
			"The new Shinkansen trains will run at 360 km/h between Tokyo and Osaka.", day)},
			question: "how fast will the new shinkansen trains go", want: "360 km/h"},
		{name: "weight asked, only a price", hits: []news.Hit{hit("a-deck", "Engadget", 0,
			"The Steam Deck OLED starts at $549 and has a bigger battery.", day)},
			question: "How much does the Steam Deck OLED weigh?", decline: "gives the weight"},
		{name: "distance given", hits: []news.Hit{hit("a-trench", "Science News", 0,
			"The submersible reached the bottom of the Mariana Trench, almost 11 kilometres below the surface.", day)},
			question: "How deep is the Mariana Trench?", want: "11 kilometres"},
		{name: "count of the people who watched, only a count of Vikings passes", hits: []news.Hit{hit("a-mnf", "Sporting News", 0,
			"The Bears beat the Vikings 12-10 on Monday night, picking off 4 Vikings passes.", day)},
			question: "how many people watched bears vikings on monday night?", decline: "gives the number of people."},
		{name: "count of the people who watched, given", hits: []news.Hit{hit("a-mnf", "Sporting News", 0,
			"The Bears beat the Vikings 12-10 on Monday night in a game that drew 14.3 million viewers.", day)},
			question: "how many people watched bears vikings on monday night?", want: "14.3 million viewers"},
		{name: "fall asked, only when it was built", hits: []news.Hit{hit("a-wall", "The Guardian", 0,
			"The Berlin Wall was built in 1961 to stop East Germans escaping to the West.", day)},
			question: "when did the berlin wall actually come down", decline: "says when that was"},
		{name: "launch asked, a name's word written as a name", hits: []news.Hit{hit("a-gpt", "TechCrunch", 0,
			"OpenAI's board fired Sam Altman in November. We'll see that with the GPT store, originally planned for launch in December but delayed.", day)},
			question: "When was OpenAI's GPT store originally supposed to launch?", want: "December"},
		{name: "a release date asked, no date quoted", hits: []news.Hit{hit("a-40k", "Polygon", 0,
			"Warhammer 40,000: Rogue Trader is coming to PlayStation 5 and Xbox Series X. Owlcat Games made the role-playing game.", day)},
			question: "when is warhammer 40k rogue trader coming to ps5?", decline: "says when"},
		{name: "a year asked, no date quoted", hits: []news.Hit{hit("a-book", "Ars Technica", 0,
			"Book recommendation: The Steerswoman, by Rosemary Kirstein. I love books which turn out to be far deeper than they seem.", day)},
			question: "What year was The Steerswoman by Rosemary Kirstein first published?", decline: "says when"},
		{name: "when as a conjunction asks no date", hits: []news.Hit{hit("a-vivek", "The Verge", 0,
			"YouTuber-turned-boxer Jake Paul endorsed Vivek Ramaswamy on TikTok after the candidate launched his account.", day)},
			question: "which youtuber-turned-boxer endorsed vivek ramaswamy when he launched on tiktok", want: "Jake Paul"},
		{name: "what a name stands for, given", hits: []news.Hit{hit("a-asos", "The Guardian", 0,
			"ASOS, which began as As Seen On Screen in 2000, reported a pre-tax loss of £300m.", day)},
			question: "What does ASOS actually stand for?", want: "As Seen On Screen"},
		{name: "what a name stands for, never given", hits: []news.Hit{hit("a-asos", "The Guardian", 0,
			"ASOS reported a pre-tax loss of £300m as shoppers cut back on fashion.", day)},
			question: "What does ASOS actually stand for?", decline: "says what ASOS stands for"},
		{name: "language asked, the country only mentioned", hits: []news.Hit{hit("a-brazil", "Reuters", 0,
			"Brazil's central bank cut its benchmark rate by half a point on Wednesday.", day)},
			question: "What language do they speak in Brazil?", decline: "names the language"},
		{name: "currency named", hits: []news.Hit{hit("a-kaz", "Reuters", 0,
			"Kazakhstan's currency, the tenge, fell 2% against the dollar.", day)},
			question: "What currency does Kazakhstan use?", want: "tenge"},
		{name: "boiling point asked, none given", hits: []news.Hit{hit("a-tea", "The Guardian", 0,
			"Water from the Everest base camp kettle makes weak tea, climbers say.", day)},
			question: "What's the boiling point of water on Everest?", decline: "gives the temperature"},
		{name: "how long, given in words", hits: []news.Hit{hit("a-eu", "TechCrunch", 0,
			"After marathon final talks which stretched to almost three days, European Union lawmakers clinched a deal on the AI Act.", day)},
			question: "How long did the final talks on the EU's AI law go on for?", want: "almost three days"},
		{name: "who won, the race only mentioned", hits: []news.Hit{hit("a-united", "The Guardian", 0,
			"Jean-Claude Blanc has been the Juventus chief executive and the executive overseeing the Tour de France.", day)},
			question: "Who won the Tour de France this year?", decline: "says who won"},
		{name: "valuation asked, only a round raised", hits: []news.Hit{hit("a-mistral", "TechCrunch", 0,
			"Mistral AI, the French AI startup, raised a €105 million seed round from Lightspeed.", day)},
			question: "what is mistral ai valued at after its seed round", decline: "gives that sum"},
		{name: "valuation given", hits: []news.Hit{hit("a-mistral", "TechCrunch", 0,
			"Mistral AI raised a €105 million seed round that valued it at €240 million.", day)},
			question: "what is mistral ai valued at after its seed round", want: "€240 million"},
		{name: "prize money never given", hits: []news.Hit{hit("a-art", "The Age", 0,
			"Vincent Namatjira won the Archibald Prize in 2020 with a portrait of Adam Goodes.", day)},
			question: "How much prize money did Vincent Namatjira get for winning the Archibald?", decline: "Vincent Namatjira"},
		{name: "pay never given", hits: []news.Hit{hit("a-hayes", "The Guardian", 0,
			"Emma Hayes will become the 10th full-time coach of the US women's team after leaving Chelsea.", day)},
			question: "whats emma hayes going to earn as the usa coach", decline: "gives that sum"},
		{name: "who won, the winner of another prize", hits: []news.Hit{hit("a-elfman", "Polygon", 0,
			"Danny Elfman went on to win awards for his Nightmare Before Christmas score and earned four Oscar nominations.", day),
			hit("a-oscars", "Polygon", 0, "Oppenheimer topped Best Picture polls of critics for the 2024 Oscars.", day)},
			question: "Which film won Best Picture at the 2024 Oscars?", decline: "says who won"},
		{name: "who won, a win ruled out", hits: []news.Hit{hit("a-united", "The Guardian", 0,
			"From here United's season narrows: they can't win the league now and can't win the Carabao Cup final.", day)},
			question: "who won the carabao cup final this season?", decline: "says who won"},
		{name: "who won a bout, another bout's win", hits: []news.Hit{hit("a-box", "Sporting News", 0,
			"Dillon Danis never did face Logan Paul's brother. Jake Paul took on Ben Askren instead. Paul won the fight by a knockout.", day)},
			question: "who won the logan paul vs dillon danis fight in the end", decline: "says who won"},
		{name: "who won a match, a win of one side in the next sentence", hits: []news.Hit{hit("a-aflw", "AFL", 0,
			"First Elimination Final: Gold Coast v Sydney, 6.15pm local, Heritage Bank Stadium. The eight was not decided until the final round, when Sydney downed Fremantle by 22 points to win a place.", day)},
			question: "who won the gold coast v sydney aflw elimination final?", decline: "says who won"},
		{name: "who won a bout, told", hits: []news.Hit{hit("a-box", "Sporting News", 0,
			"Logan Paul beat Dillon Danis by disqualification in the sixth round in Manchester.", day)},
			question: "who won the logan paul vs dillon danis fight in the end", want: "Logan Paul beat"},
		{name: "who won, told", hits: []news.Hit{hit("a-tour", "The Guardian", 0,
			"Jonas Vingegaard won the Tour de France for a second time on Sunday in Paris.", day)},
			question: "Who won the Tour de France this year?", want: "Vingegaard"},
		{name: "count asked, only a market value", hits: []news.Hit{hit("a-meltwater", "TechCrunch", 0,
			"Meltwater's market cap of just under $600 million is less than the company raised over the years. "+
				"Meltwater's employees own shares since it went public in December 2020 at a valuation of $1.2 billion.", day)},
			question: "how many employees does meltwater have", decline: "gives the number of employees"},
		{name: "count given", hits: []news.Hit{hit("a-meltwater", "TechCrunch", 0,
			"Meltwater's market cap of just under $600 million is less than the company raised. "+
				"Meltwater, which has 2,300 employees in 50 offices, went public in 2020.", day)},
			question: "how many employees does meltwater have", want: "2,300 employees"},
		{name: "count of something else", hits: []news.Hit{hit("a-cane", "The Guardian", 0,
			"Sam Cane played his best match in four years before his red card in the World Cup final.", day)},
			question: "How many matches did Sam Cane get banned for after his red card?", decline: "gives the number of matches"},
		{name: "a compound counting another thing", hits: []news.Hit{hit("a-final", "The Roar", 0,
			"Sam Cane was shown a red card in the World Cup final and banned. Barrett's try was the only five-pointer of the match.", day)},
			question: "How many matches did Sam Cane get banned for after his red card?", decline: "gives the number of matches"},
		{name: "count under another word, in a sentence without the question's words", hits: []news.Hit{hit("a-mac", "Engadget", 0,
			"Apple sent us the 16-inch MacBook Pro with the M3 Max. "+
				"The chip lets the laptop power up to four external displays.", day)},
			question: "how many monitors can the 16 inch m3 max macbook pro run", want: "four external displays"},
		{name: "count after the word", hits: []news.Hit{hit("a-jordan", "AP", 0,
			"Jim Jordan failed on a third ballot for speaker. Friday's vote was 194 for Jordan and 218 against.", day)},
			question: "how many votes did jim jordan get on his third try for speaker", want: "194"},
		{name: "spouse never named", hits: []news.Hit{hit("a-levy", "Haaretz", 0,
			"Eylon Levy dreamed about serving as a spokesperson for the State of Israel. Levy grew up in London.", day)},
			question: "Who is Eylon Levy married to?", decline: "Eylon Levy, but none of them says who they are married to"},
		{name: "spouse named", hits: []news.Hit{hit("a-levy", "Haaretz", 0,
			"Eylon Levy dreamed about serving as a spokesperson for Israel. He and his wife Tal live in Tel Aviv.", day)},
			question: "who is eylon levy married to?", want: "wife Tal"},
		{name: "sentence asked, only the most a charge carries", hits: []news.Hit{hit("a-franke", "AP", 0,
			"Ruby Franke pleaded guilty to four counts of aggravated child abuse. Each charge carries a sentence of one to 15 years in prison.", day)},
			question: "how many years did ruby franke get when she was sentenced", decline: "gives the sentence handed down"},
		{name: "sentence handed down", hits: []news.Hit{hit("a-franke", "AP", 0,
			"Ruby Franke pleaded guilty to four counts of aggravated child abuse. "+
				"On Tuesday Franke was sentenced to four consecutive terms of one to 15 years in prison.", day)},
			question: "how many years did ruby franke get when she was sentenced", want: "sentenced to four"},
		{name: "hometown never given", hits: []news.Hit{hit("a-jordan", "AP", 0,
			"Jim Jordan failed again Wednesday on a second ballot to become House speaker. Jordan has been in Congress since 2007.", day)},
			question: "Where's Jim Jordan originally from?", decline: "Jim Jordan, but none of them says where they come from"},
		{name: "hometown given without the name", hits: []news.Hit{hit("a-kane", "Sporting News", 0,
			"Patrick Kane is closing in on signing with a team. The Sabres have a leg up: the winger is a Buffalo native.", day)},
			question: "Where is Patrick Kane from originally?", want: "Buffalo native"},
		{name: "pay asked in lower case, only someone else's sum", hits: []news.Hit{hit("a-twitch", "The Verge", 0,
			"Dan Clancy became the Twitch CEO in March and has been paid for the role since. "+
				"Partner Plus streamers get a 70/30 split on the first $100,000 they make per year.", day)},
			question: "how much does dan clancy get paid as twitch ceo", decline: "gives that sum"},
		{name: "net worth asked, only a stake's price", hits: []news.Hit{hit("a-zim", "Globes", 0,
			"Rani Zim bought Psagot Investment House for NIS 405 million. The 62% stake Zim holds is currently worth NIS 64 million.", day)},
			question: "What's Rani Zim's net worth these days?", decline: "Rani Zim, but none of them gives a fortune"},
		{name: "net worth given", hits: []news.Hit{hit("a-zim", "Globes", 0,
			"Rani Zim bought Psagot Investment House for NIS 405 million. Forbes puts Rani Zim's net worth at $1.1 billion.", day)},
			question: "What's Rani Zim's net worth these days?", want: "$1.1 billion"},
		{name: "what a company said, never quoted", hits: []news.Hit{hit("a-ozempic", "CNN", 0,
			"A UBC study found that Ozempic, made by Novo Nordisk, may raise the risk of stomach paralysis, the researchers said.", day)},
			question: "What did Novo Nordisk say about the UBC study on Ozempic?", decline: "reports what Novo Nordisk said"},
		{name: "named beside someone else's quote", hits: []news.Hit{hit("a-roblox", "The Independent", 0,
			"Gellar, who shares son Rocky with husband Freddie Prinze Jr, shared a notification that her Roblox account \"has been disabled\".", day)},
			question: "what did freddie prinze jr say about their son's roblox account?", decline: "reports what freddie prinze jr said"},
		{name: "what a company said", hits: []news.Hit{hit("a-ozempic", "CNN", 0,
			"A UBC study found that Ozempic may raise the risk of stomach paralysis. "+
				"Novo Nordisk said in a statement that the study's design limits its conclusions.", day)},
			question: "What did Novo Nordisk say about the UBC study on Ozempic?", want: "design limits"},
		{name: "what he said, after the sentence naming him", hits: []news.Hit{hit("a-abs", "The Roar", 0,
			"All Blacks coach Ian Foster was asked about Rieko Ioane's gestures at the Ireland fans. "+
				"\"It happens, it's a passionate game,\" he said of Rieko Ioane.", day)},
			question: "What did Ian Foster say about Rieko Ioane's gestures?", want: "It happens"},
		{name: "a model's number counts nothing", hits: []news.Hit{hit("a-deck", "Engadget", 0,
			"Valve says the Steam Deck 2 will bring a generational power leap. The Steam Deck OLED starts at $549.", day)},
			question: "How many Steam Deck OLEDs has Valve sold so far?", decline: "gives the number of"},
		{name: "a sum's scale counts nothing", hits: []news.Hit{hit("a-xbox", "BBC", 0,
			"The $69 billion Activision deal was the biggest in Microsoft's history. Activision Blizzard employees were told to expect changes.", day)},
			question: "How many Activision Blizzard employees did Microsoft lay off?", decline: "gives the number of"},
		{name: "a count after a verb", hits: []news.Hit{hit("a-budget", "Inquirer", 0,
			"The House members voted 296 against three to approve the 2024 national budget.", day)},
			question: "How many House members voted for the 2024 budget?", want: "296"},
		{name: "how much a ticket is, none given", hits: []news.Hit{hit("a-sphere", "The Age", 0,
			"U2 perform at the $US2.3 billion Sphere in Las Vegas. U2 tickets for the Sphere residency sold out within hours.", day)},
			question: "How much are U2 tickets at the Sphere?", decline: "gives that sum"},
		{name: "how much a ticket is", hits: []news.Hit{hit("a-sphere", "The Age", 0,
			"U2 tickets for the Sphere residency cost from $140 and sold out within hours.", day)},
			question: "How much are U2 tickets at the Sphere?", want: "$140"},
		{name: "how much a stock moved is no sum", hits: []news.Hit{hit("a-nike", "CNBC", 0,
			"Nike stock fell 8% after its earnings as the company cut its sales outlook.", day)},
			question: "How much did Nike stock move after its earnings?", want: "8%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := answer(t, tt.hits, tt.question)
			switch {
			case tt.want != "" && (got.Refused || !strings.Contains(got.Text, tt.want)):
				t.Errorf("Answer() = %+v, want an answer with %q", got, tt.want)
			case tt.want == "" && (!got.Refused || !strings.Contains(got.Text, tt.decline)):
				t.Errorf("Answer() = %+v, want a decline with %q", got, tt.decline)
			}
		})
	}
}

func TestOutcomeWhoseBestSentenceLooksAhead(t *testing.T) {
	day := time.Date(2023, 11, 27, 0, 0, 0, 0, time.UTC)
	// The best sentence looks ahead and no other tells the outcome.
	got := answer(t, []news.Hit{hit("a-irobot", "TechCrunch", 0,
		"The step does not confirm the EU will seek to block Amazon's purchase of iRobot. "+
			"Amazon announced the iRobot deal in August 2022, and regulators have been scrutinising it since.", day)},
		"did the eu end up blocking amazon buying irobot")
	if !got.Refused || got.Text != AheadText {
		t.Errorf("Answer() = %+v, want %q", got, AheadText)
	}
	// The best sentence looks ahead, but another states the asked fact.
	got = answer(t, []news.Hit{hit("a-everton", "The Guardian", 0,
		"Everton's appeal against the 10-point deduction will be heard before the end of the season. "+
			"Everton are joint-bottom on four points after having 10 points deducted.", day)},
		"How many points did Everton get deducted?")
	if got.Refused || !strings.Contains(got.Text, "10 points") {
		t.Errorf("Answer() = %+v, want the deduction", got)
	}
	// A sentence that looks ahead but gives the asked amount beside the
	// asked word tells it.
	got = answer(t, []news.Hit{hit("a-everton", "The Guardian", 0,
		"Everton's appeal against the 10-point deduction will be heard before the end of the season.", day)},
		"How many points did Everton get deducted?")
	if got.Refused || !strings.Contains(got.Text, "10-point") {
		t.Errorf("Answer() = %+v, want the deduction", got)
	}
	// A preview scores best, but the same live blog tells the result.
	lions := hit("a-lions", "Sporting News", 0,
		"The Lions might not be the contenders we thought, but we are in for a treat on Thursday night at Lambeau Field against the Packers. "+
			"Jared Goff threw for 200 yards and two touchdowns. "+
			"Fueled by a stout defense, the Lions cruised to a 34-20 win over their NFC North rivals.", day)
	lions.Article.Title = "Lions vs. Packers live score, updates, highlights from Thursday night's game"
	got = answer(t, []news.Hit{lions}, "did the lions beat the packers at lambeau on thursday night")
	if got.Refused || !strings.Contains(got.Text, "34-20") {
		t.Errorf("Answer() = %+v, want the result", got)
	}
	// "Does the article claim…" asks what was said, not who won.
	if winAskRe.MatchString("Does the TechCrunch article claim that Google's payments are anticompetitive?") {
		t.Error(`winAskRe matches "does the article claim"`)
	}
	// A question about what an article reported is no outcome question.
	got = answer(t, []news.Hit{hit("a-starbucks", "The Independent", 0,
		"Starbucks stores will open with shorter hours on Thanksgiving, the company said. "+
			"Starbucks opening hours vary by location.", day)},
		"Was the reporting on Starbucks opening hours on Thanksgiving consistent?")
	if got.Refused {
		t.Errorf("Answer() = %+v, want an answer", got)
	}
}

func TestAnswerComesFromAnArticleThatCoversTheQuestion(t *testing.T) {
	day := time.Date(2023, 10, 27, 0, 0, 0, 0, time.UTC)
	// The tennis sentence holds more of the question's words than any
	// one rugby sentence, but only the rugby article covers the question.
	tennis := hit("a-tennis", "The Age", 0, "Jannik Sinner is playing for Italy in the Davis Cup final on Sunday.", day)
	tennis.Article.Title = "Italy and Australia meet in the Davis Cup final"
	rugby := hit("a-rugby", "The Age", 0, "Rugby fans packed Paris on Friday. "+
		"South Africa face New Zealand in the World Cup decider.", day)
	rugby.Article.Title = "Fans arrive"
	got := answer(t, []news.Hit{tennis, rugby}, "who is playing in the rugby world cup final in paris")
	if got.Refused || !strings.Contains(got.Text, "South Africa") || strings.Contains(got.Text, "Sinner") {
		t.Errorf("Answer() = %+v, want the rugby article alone", got)
	}
}

func TestSemiFinalIsNoFinal(t *testing.T) {
	if got := extractTerms("the semi-final and the quarter-final"); strings.Join(got, " ") != "semifin quarterfin" && strings.Join(got, " ") != "semifinal quarterfinal" {
		t.Errorf("extractTerms() = %q, want one word for each", got)
	}
}

func TestNumberJoinedToTheAskedWord(t *testing.T) {
	if !numberNear("Ohtani agrees to 10-year, $700 million deal with Dodgers", stem("years")) {
		t.Error(`numberNear("10-year", "years") = false, want true`)
	}
	if numberNear("Ohtani has played 6 seasons in the majors and won the award twice this year", stem("years")) {
		t.Error("numberNear() = true for a number far from the asked word")
	}
}

func TestPeopleCountedAsPlayers(t *testing.T) {
	// "How many people can share one farm?": players are people.
	if a := askedAttribute("how many people can share one farm in multiplayer?"); a == nil || !a.holds("The multiplayer is also excellent, as you can share a farm with up to three other players.") {
		t.Error(`the count of people does not hold for "three other players"`)
	}
	// "How many people died in it?": passengers are people.
	if a := askedAttribute("how many people died in it?"); a == nil || !a.holds("Partnair Flight 394 crashed off the coast of Denmark in September 1989, killing all 55 passengers and crew.") {
		t.Error(`the count of people who died does not hold for "killing all 55 passengers and crew"`)
	}
}

func TestOneOfIsNoCount(t *testing.T) {
	a := askedAttribute("how many people are on the waiting list for inter miami season tickets")
	if a == nil || a.holds("Messi's arrival has brought a craze for fans to see one of the sport's most talented and legendary players of all time.") {
		t.Error(`the count of people holds for "one of the sport's most talented players"`)
	}
	if a == nil || !a.holds("The club has 5,000 people on its waiting list.") {
		t.Error(`the count of people does not hold for "5,000 people"`)
	}
}

func TestUnitWrittenWithItsNumber(t *testing.T) {
	// "How many km of slopes does Zermatt have?"
	a := askedAttribute("How many km of slopes does Zermatt have?")
	if a == nil || !a.holds("With 360km of high-altitude slopes, Zermatt is an oasis for advanced skiers.") {
		t.Error(`the count attribute does not hold for "360km of slopes"`)
	}
	// "How many megapixels is the camera?": "12MP".
	if a := askedAttribute("how many megapixels is the camera on the new ray-ban meta glasses?"); a == nil || !a.holds("The camera has been upgraded from 5MP to 12MP.") {
		t.Error(`the count of megapixels does not hold for "12MP"`)
	}
	if !numberNear("The balloon is 6ft wide.", stem("ft")) {
		t.Error(`numberNear("6ft", "ft") = false, want true`)
	}
	// "512GB" counts bytes, not the OLEDs after it; "5th" is no unit.
	if a := askedAttribute("How many Steam Deck OLEDs has Valve sold?"); a == nil || a.holds("The 512GB OLED model costs $549.") {
		t.Error(`"512GB OLED" holds a count of OLEDs`)
	}
	if numberNear("He finished 5th in the race.", stem("th")) {
		t.Error(`numberNear("5th", "th") = true, want false`)
	}
}

func TestAgentNounMeetsItsVerb(t *testing.T) {
	for _, p := range [][2]string{{"directed", "director"}, {"founded", "founders"}, {"won", "winner"}, {"wrote", "author"}} {
		if a, b := extractTerms(p[0]), extractTerms(p[1]); len(a) != 1 || len(b) != 1 || a[0] != b[0] {
			t.Errorf("extractTerms(%q) = %q, extractTerms(%q) = %q, want the same stem", p[0], a, p[1], b)
		}
	}
	day := time.Date(2023, 10, 27, 0, 0, 0, 0, time.UTC)
	got := answer(t, []news.Hit{hit("a-fnaf", "Polygon", 0,
		"The Five Nights at Freddy's film took years to reach cinemas after Blumhouse bought the rights. "+
			"Finally, under director Emma Tammi, the Five Nights at Freddy's film is hitting theaters and Peacock at once.", day)},
		"who directed the five nights at freddys film")
	if got.Refused || !strings.Contains(got.Text, "Emma Tammi") {
		t.Errorf("Answer() = %+v, want the director", got)
	}
}

func TestPeopleMeetTheirCountry(t *testing.T) {
	americans := Term{Text: "Americans", Kind: TermName, Words: extractTerms("Americans")}
	if !americans.in(termSet("people in the U.S. on Thursday spent $5.6 billion online")) {
		t.Error(`"Americans" is not in a sentence about the U.S.`)
	}
	if americans.in(termSet("people in Canada on Thursday spent $5.6 billion online")) {
		t.Error(`"Americans" is in a sentence about Canada`)
	}
	britain := Term{Text: "Britain", Kind: TermName, Words: extractTerms("Britain")}
	if !britain.in(termSet("British shoppers spent more")) {
		t.Error(`"Britain" is not in a sentence about British shoppers`)
	}
}

func TestScoreIsNoRecord(t *testing.T) {
	for s, want := range map[string]bool{
		"Michigan (12-0) beat Ohio State (11-1) for the third straight season.":   false,
		"The loss dropped the Saints' record to 3-4.":                             false,
		"Jacksonville emerged with a 31-24 victory.":                              true,
		"Italy beat Australia 2-0 in the final.":                                  true,
		"Opetaia, who moved to 24-0, knocked out Zorro with a record of 3-4 KOs.": false,
	} {
		if got := hasScore(s); got != want {
			t.Errorf("hasScore(%q) = %v, want %v", s, got, want)
		}
	}
	day := time.Date(2023, 10, 20, 0, 0, 0, 0, time.UTC)
	got := answer(t, []news.Hit{hit("a-jags", "Sporting News", 0,
		"The Jaguars left New Orleans surviving a late scare against the Saints on Thursday Night Football. "+
			"The loss dropped the Saints' record to 3-4. "+
			"Jacksonville held off a late comeback from New Orleans, emerging with a 31-24 victory.", day)},
		"Did the Jags hold on against the Saints on Thursday night?")
	if got.Refused || !strings.Contains(got.Text, "31-24") {
		t.Errorf("Answer() = %+v, want the score", got)
	}
}

func TestNameWithAcronymsMeetsItsLongForm(t *testing.T) {
	terms := SalientTerms("How long did the talks on the EU's AI Act last?", nil)
	set := termSet("European Union lawmakers clinched a deal on the Artificial Intelligence Act after almost three days.")
	addAcronyms(set, "European Union lawmakers clinched a deal on the Artificial Intelligence Act after almost three days.")
	for _, tm := range terms {
		if tm.Kind == TermName && !tm.in(set) {
			t.Errorf("name %q is not in a sentence that spells it out", tm.Text)
		}
	}
}

func TestMoneyInOtherCurrencies(t *testing.T) {
	for _, s := range []string{"bought Psagot for NIS 405 million", "paying a whopping Rs 24.75 Cr", "sold for 3 billion yen",
		"a fee of R50 million", "A$2.5 billion", "raised ₹500 crore", "worth 40 million shekels",
		"took in about $US41 million in revenue", "a $A2 billion deal"} {
		if !moneyRe.MatchString(s) {
			t.Errorf("moneyRe does not match %q", s)
		}
	}
	for _, s := range []string{"won 3-2", "in 2021", "a 24-0 record", "Route 66"} {
		if moneyRe.MatchString(s) {
			t.Errorf("moneyRe matches %q", s)
		}
	}
}

func TestQuestionWordsAreNoTerms(t *testing.T) {
	for _, q := range []string{"Whats the final score of Eagles-Dolphins on Sunday night?", "what was the final score in chelsea v man city, heard it was mental",
		"who'd tate mcrae make think later with?", "what’ll the fed do? they’re meeting", "Who'd Tate McRae make Think Later with?"} {
		for _, tm := range SalientTerms(q, nil) {
			if tm.Text == "Whats" || tm.Text == "v" || strings.ContainsAny(tm.Text, "'’") {
				t.Errorf("SalientTerms(%q) holds %q", q, tm.Text)
			}
		}
	}
}

func TestShoutedResultIsNoBoilerplate(t *testing.T) {
	if boilerplate("WEST INDIES WIN THE SERIES 3-2!") {
		t.Error("a shouted result is boilerplate")
	}
	if !boilerplate("STARS WE'VE LOST IN 2023") {
		t.Error("a heading in capitals is not boilerplate")
	}
}

// TestNamesCountedByTheirParts: a name the library never writes as a
// phrase is no gap when it counts its parts: two names joined by a
// hyphen, a name with a possessive inside.
func TestNamesCountedByTheirParts(t *testing.T) {
	for _, tt := range []struct{ passage, question, name string }{
		{"The Eagles beat the Dolphins 31-17 on Sunday night.", "Whats the final score of Eagles-Dolphins on Sunday night?", "Eagles-Dolphins"},
		{"Bradley Cooper stars as the conductor Leonard Bernstein. My top pick is Maestro (December 20).",
			"When does Bradley Cooper's Maestro hit Netflix?", "Bradley Cooper's Maestro"},
	} {
		ix := &countingIndex{fakeIndex{hits: []news.Hit{hit("a", "Sporting News", 0, tt.passage, time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC))}}}
		terms := SalientTerms(tt.question, nil)
		if _, err := countTerms(t.Context(), ix, "g1", terms); err != nil {
			t.Fatal(err)
		}
		for _, tm := range terms {
			if tm.Text == tt.name && tm.Passages == 0 {
				t.Errorf("%q counted in no passage, want its parts counted", tm.Text)
			}
		}
	}
}

func TestToldWin(t *testing.T) {
	for s, want := range map[string]bool{
		"Vingegaard won the Tour de France on Sunday.":                         true,
		"The Eagles beat the Dolphins 31-17.":                                  true,
		"They can't win the league now and can't win the Carabao Cup.":         false,
		"Durant once again fell short of winning a title with the Suns.":       false,
		"Ireland hope to beat the All Blacks and won't settle for less.":       false,
		"Ireland hope to beat the All Blacks, who won 28-24 in the quarters.":  true,
		"Andrade faces David Benavidez (27-0, 23 KOs) on Saturday.":            false,
		"Michigan, with a 12-0 record, plays Ohio State next.":                 false,
		"Benavidez, like Andrade, is hoping a breakthrough victory will come.": false,
		"Benavidez won a wide decision, 120-108 on all three cards.":           true,
	} {
		if got := toldWin(s); got != want {
			t.Errorf("toldWin(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestAPersonsPayStandsBesideTheirName(t *testing.T) {
	day := time.Date(2023, 11, 22, 0, 0, 0, 0, time.UTC)
	binance := hit("a-binance", "Fortune", 0, "Binance agreed to pay $4.3 billion to settle with US authorities. "+
		"Richard Teng, Binance's former global head of regional markets, will be the exchange's new CEO.", day)
	got := answer(t, []news.Hit{binance}, "How much is Binance paying Richard Teng as its new CEO?")
	if !got.Refused || !strings.Contains(got.Text, "gives that sum") {
		t.Errorf("Answer() = %+v, want a decline: the sum paid is Binance's settlement", got)
	}
	paid := hit("a-teng", "Fortune", 0, "Binance will pay Richard Teng a salary of $2 million a year as its new CEO.", day)
	got = answer(t, []news.Hit{binance, paid}, "How much is Binance paying Richard Teng as its new CEO?")
	if got.Refused || !strings.Contains(got.Text, "$2 million") {
		t.Errorf("Answer() = %+v, want the salary", got)
	}
	got = answer(t, []news.Hit{hit("a-fraser", "Fortune", 0,
		"Menendez asked Citi chief executive Jane Fraser about the bank's fines, which ran to $400 million.", day)},
		"whats citi ceo jane fraser's salary")
	if !got.Refused {
		t.Errorf("Answer() = %+v, want a decline: no salary is given", got)
	}
}

func TestAskedWordStopsBeforeTimeAndAs(t *testing.T) {
	for q, want := range map[string]string{
		"What's Rani Zim's net worth these days?":                   "worth",
		"Whats Jos Buttler's salary as England white-ball captain?": "salary",
		// A question mark ends what is asked.
		"whats jens pulver's pro mma record? the guy hosting the ufc watch-alongs on twitch": "record",
	} {
		if got := askedHead(q); got != stem(want) {
			t.Errorf("askedHead(%q) = %q, want %q", q, got, stem(want))
		}
	}
}

func TestSignUpIsNoRise(t *testing.T) {
	for q, sum := range map[string]bool{
		"how much is fanatics sportsbook's sign up bonus in kentucky?":     true,
		"did kane end up signing with the red wings? how much is the deal": true,
		"how much did the stock go up on friday?":                          false,
		"By how much does a Mediterranean lifestyle lower your risk?":      false,
	} {
		a := askedAttribute(q)
		if got := a != nil && a.name == sumName; got != sum {
			t.Errorf("askedAttribute(%q) asks a sum = %v, want %v", q, got, sum)
		}
	}
}

func TestPriceWithoutCurrency(t *testing.T) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	got := answer(t, []news.Hit{hit("a-ferry", "Harbor City Ledger", 0,
		"Ferry fares across the harbour will rise by 10% from January. A single adult ticket will cost 3.30, up from 3.00.", day)},
		"How much will a single adult ferry ticket cost?")
	if got.Refused || !strings.Contains(got.Text, "3.30") {
		t.Errorf("Answer() = %+v, want the fare", got)
	}
}

func TestMistypedStopWordIsNoGap(t *testing.T) {
	for w, want := range map[string]bool{
		"agaisnt": true, "becuase": true, "abuot": true, "whihc": true, "becaus": true,
		"lyft": false, "sourdough": false, "tilt": false, "against": false,
	} {
		if got := misspelt(w); got != want {
			t.Errorf("misspelt(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestMistypedQuestionIsAnswered(t *testing.T) {
	day := time.Date(2023, 11, 14, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{hit("a-vikings", "Sporting News", 0, "Joshua Dobbs threw four interceptions against Chicago on Monday night as the Bears won 12-10.", day)}
	// Neither "agaisnt" nor "lol" is in any passage, nor an everyday word.
	counts := map[string]int{"agaisnt": 0, "lol": 0, "u": 0, "see": 50, "picks": 4, "dobbs": 3, "throw": 20, "chicago": 10}
	o := testOptions()
	o.CommonWord = func(w string) bool { return w != "agaisnt" && w != "lol" && w != "u" && w != "dobbs" }
	for _, q := range []string{"how many picks did dobbs throw agaisnt chicago", "how many picks did dobbs throw vs chicago lol", "how many picks did u see dobbs throw vs chicago"} {
		got, err := NewService(libraryRetriever(hits, counts), o).Answer(t.Context(), "g1", Request{Question: q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Refused || !strings.Contains(got.Text, "four interceptions") {
			t.Errorf("Answer(%q) = %+v, want the interceptions", q, got)
		}
	}
}

// TestFigureInAFurtherPassage: the passages found mention the subject but
// not the asked figure; the answerer reads further passages of the best
// article, where the figure stands, before it declines.
func TestFigureInAFurtherPassage(t *testing.T) {
	day := time.Date(2023, 10, 28, 0, 0, 0, 0, time.UTC)
	first := hit("a-final", "The South African", 0, "Rain poured down on the Stade de France as the Boks met the All Blacks in the final.", day)
	further := hit("a-final", "The South African", 3, "Yet nothing was going to dampen this evening as 80,065 fans poured in.", day)
	other := hit("a-other", "BBC", 0, "The Stade de France hosts the Six Nations.", day)
	var asked []Query
	r := RetrieverFunc(func(_ context.Context, _ string, q Query) (Retrieval, error) {
		asked = append(asked, q)
		terms := SalientTerms(q.Text, nil)
		for i := range terms {
			terms[i].Passages = 5
		}
		if q.Filter.ArticleIDs != nil {
			return Retrieval{Hits: []news.Hit{first, further}, Library: 200, Terms: terms}, nil
		}
		return Retrieval{Hits: []news.Hit{first, other}, Library: 200, Terms: terms}, nil
	})
	q := "How many people were at the Stade de France for the Boks v All Blacks final?"
	got, err := NewService(r, testOptions()).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "80,065 fans") || len(got.Sources) != 1 || got.Sources[0].ArticleID != "a-final" {
		t.Errorf("Answer() = %+v, want the crowd from the further passage, citing a-final", got)
	}
	if len(asked) != 2 || !slices.Equal(asked[1].Filter.ArticleIDs, []string{"a-final", "a-other"}) {
		t.Errorf("queries = %+v, want a second one restricted to the two best articles", asked)
	}
}

// TestNameInAFurtherPassage: the sentences found about the game name no
// one but the teams; the answerer reads further passages of the article
// that answers, where the scorer is named.
func TestNameInAFurtherPassage(t *testing.T) {
	day := time.Date(2023, 11, 28, 0, 0, 0, 0, time.UTC)
	first := hit("a-uel", "The Guardian", 0, "Newcastle were knocked out of Europe by Milan's late winner on Wednesday night.", day)
	further := hit("a-uel", "The Guardian", 4, "The substitute Samuel Chukwueze scored the winner for Milan with six minutes left.", day)
	var asked []Query
	r := RetrieverFunc(func(_ context.Context, _ string, q Query) (Retrieval, error) {
		asked = append(asked, q)
		terms := SalientTerms(q.Text, nil)
		for i := range terms {
			terms[i].Passages = 5
		}
		if q.Filter.ArticleIDs != nil {
			return Retrieval{Hits: []news.Hit{first, further}, Library: 200, Terms: terms}, nil
		}
		return Retrieval{Hits: []news.Hit{first}, Library: 200, Terms: terms}, nil
	})
	got, err := NewService(r, testOptions()).Answer(t.Context(), "g1", Request{Question: "Who scored Milan's late winner that knocked Newcastle out of Europe?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "Samuel Chukwueze") {
		t.Errorf("Answer() = %+v, want the scorer from the further passage", got)
	}
	if len(asked) != 2 || !slices.Equal(asked[1].Filter.ArticleIDs, []string{"a-uel"}) {
		t.Errorf("queries = %+v, want a second one restricted to the answering article", asked)
	}
}

// TestYearTheArticleNeverNames: a year the question names is the edition
// it asks about; an article about another edition does not answer it.
func TestYearTheArticleNeverNames(t *testing.T) {
	day := time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC)
	wc := hit("a-wc", "Jagran Josh", 0, "Virat Kohli made 765 runs at the ICC Men's Cricket World Cup, the most by any batter at one tournament.", day)
	got := answer(t, []news.Hit{wc}, "How many runs did Virat Kohli make at the 2019 World Cup?")
	if !got.Refused || !strings.Contains(got.Text, "2019") {
		t.Errorf("Answer() = %+v, want a decline naming 2019", got)
	}
	got = answer(t, []news.Hit{wc}, "How many runs did Virat Kohli make at the 2023 World Cup?")
	if got.Refused || !strings.Contains(got.Text, "765 runs") {
		t.Errorf("Answer() = %+v, want the runs: the article was published in 2023", got)
	}
	// "last year" in an article of 2023 names 2022.
	ratings := hit("a-tv", "Sportsnaut", 0, "Last year the NFL averaged 22.1 million viewers on Christmas Day games, and 2023 could be bigger.", day)
	got = answer(t, []news.Hit{ratings}, "on average how many viewers did the nfl get for its christmas day games in 2022?")
	if got.Refused || !strings.Contains(got.Text, "22.1 million") {
		t.Errorf("Answer() = %+v, want the viewers of last year", got)
	}
	got = answer(t, []news.Hit{ratings}, "on average how many viewers did the nfl get for its christmas day games in 2021?")
	if !got.Refused || !strings.Contains(got.Text, "2021") {
		t.Errorf("Answer() = %+v, want a decline naming 2021", got)
	}
	old := hit("a-2019", "Jagran Josh", 0, "At the 2019 World Cup Virat Kohli made 443 runs in nine innings.", day)
	got = answer(t, []news.Hit{old}, "How many runs did Virat Kohli make at the 2019 World Cup?")
	if got.Refused || !strings.Contains(got.Text, "443 runs") {
		t.Errorf("Answer() = %+v, want the 2019 runs", got)
	}
}

func TestEditionTheArticleNeverNames(t *testing.T) {
	day := time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC)
	odds := hit("a-sb", "CBS Sports", 0, "The 49ers won the Super Bowl in the eyes of many bettors, who make them favourites again.", day)
	in := extractInput{question: "who won super bowl 50?", hits: []news.Hit{odds}}
	if got := missingYear(in, "a-sb"); got != "super bowl 50" {
		t.Errorf("missingYear() = %q, want super bowl 50", got)
	}
	fifty := hit("a-sb50", "CBS Sports", 0, "The Broncos won Super Bowl 50 against the Panthers.", day)
	if got := missingYear(extractInput{question: in.question, hits: []news.Hit{fifty}}, "a-sb50"); got != "" {
		t.Errorf("missingYear() = %q for an article naming Super Bowl 50, want none", got)
	}
	var got news.Answer
	// A numeral the article writes in Roman numerals.
	gta := hit("a-gta", "Polygon", 0, "The Grand Theft Auto VI trailer drew 90 million views on YouTube in its first day.", day)
	got = answer(t, []news.Hit{gta}, "how many views did the grand theft auto 6 trailer get in its first day?")
	if got.Refused || !strings.Contains(got.Text, "90 million") {
		t.Errorf("Answer() = %+v, want the views of the GTA VI trailer", got)
	}
}

func TestWhatIsAskedOfSomeoneTheArticleNeverWrites(t *testing.T) {
	day := time.Date(2023, 10, 29, 0, 0, 0, 0, time.UTC)
	kelly := hit("a-ws", "The Guardian", 0, "Arizona’s big hero was starting pitcher Merrill Kelly, who put up a dazzling performance after a strong regular season: 7.0 IP, 3 H, 1 ER, 7 Ks.", day)
	cole := hit("a-cole", "ESPN", 0, "Gerrit Cole won the Cy Young award with a 2.63 ERA for the Yankees.", day)
	got := answer(t, []news.Hit{kelly, cole}, "what was merrill kelly's ERA over the regular season?")
	if !got.Refused || !strings.Contains(got.Text, "ERA") {
		t.Errorf("Answer() = %+v, want a decline naming ERA", got)
	}
	season := hit("a-dbacks", "ESPN", 0, "Merrill Kelly finished the regular season with a 3.29 ERA for Arizona.", day)
	got = answer(t, []news.Hit{kelly, cole, season}, "what was merrill kelly's ERA over the regular season?")
	if got.Refused || !strings.Contains(got.Text, "3.29 ERA") {
		t.Errorf("Answer() = %+v, want his ERA", got)
	}
	// A kind of thing is named without the word: "what's Canelo's record".
	canelo := hit("a-canelo", "ESPN", 0, "Canelo Alvarez moved his pro record to 60-2-2 with his win over Jermell Charlo.", day)
	got = answer(t, []news.Hit{canelo}, "what's canelo's pro record now after beating charlo?")
	if got.Refused || !strings.Contains(got.Text, "60-2-2") {
		t.Errorf("Answer() = %+v, want the record", got)
	}
}

func TestEditionsAsked(t *testing.T) {
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"who won super bowl 50?", []string{"super bowl 50"}},
		{"what was stafford's salary for week 15 vs the commanders?", []string{"week 15"}},
		{"What did UFC 300 pay?", []string{"UFC 300"}},
		// A count of the word after the number, or after a stop word.
		{"how many goals in the last 5 games?", nil},
		{"did he score over 40?", nil},
		{"how many of the top 10 apps were games?", nil},
		{"what happened to the 40 people on board?", nil},
		// A score, a decimal, a hyphenated word.
		{"did they win 4-1 in game 3.5?", nil},
		{"how many covid-19 cases were there?", nil},
	} {
		var got []string
		for _, e := range editionsAsked(tt.q) {
			got = append(got, e.text)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("editionsAsked(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestMonthTheArticleNeverNames(t *testing.T) {
	day := time.Date(2023, 12, 4, 0, 0, 0, 0, time.UTC)
	nfl := hit("a-nfl", "The Guardian", 0, "The Green Bay Packers beat the defending Super Bowl champions, the Kansas City Chiefs, 27-19 on Sunday night.", day)
	for _, tt := range []struct {
		q, want string
		refused bool
	}{
		{q: "did the chiefs beat the packers in february", want: "February", refused: true},
		// The article was published in December.
		{q: "did the chiefs lose to the packers in december", want: "27-19"},
	} {
		got := answer(t, []news.Hit{nfl}, tt.q)
		if got.Refused != tt.refused || !strings.Contains(got.Text, tt.want) {
			t.Errorf("Answer(%q) = %+v, want refused %v with %q", tt.q, got, tt.refused, tt.want)
		}
	}
	// A day and its month are a date, which the retriever reads; "may"
	// and "march" are words unless capitalised.
	for q, want := range map[string]bool{"did they beat the packers on 3 December": false, "did they win in December": true,
		"they may have lost": false, "did he march on": false, "did they lose in May": true, "in the november internationals": true} {
		if got := askedMonthRe.MatchString(q); got != want {
			t.Errorf("askedMonthRe.MatchString(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestWhatComesNextNeedsASentenceLookingAhead(t *testing.T) {
	day := time.Date(2023, 10, 1, 0, 0, 0, 0, time.UTC)
	recap := hit("a-recap", "Sporting News", 0, "Canelo Alvarez beat Jermell Charlo by unanimous decision in Las Vegas. Canelo rocked Charlo with a body shot in round seven.", day)
	got := answer(t, []news.Hit{recap}, "Who is Canelo fighting next after Charlo?")
	if !got.Refused || got.Text != NextText {
		t.Errorf("Answer() = %+v, want %q", got, NextText)
	}
	ahead := hit("a-next", "Sporting News", 0, "Canelo Alvarez beat Jermell Charlo in Las Vegas. Canelo is expected to fight Jaime Munguia next, in May.", day)
	got = answer(t, []news.Hit{ahead}, "Who is Canelo fighting next after Charlo?")
	if got.Refused || !strings.Contains(got.Text, "Munguia") {
		t.Errorf("Answer() = %+v, want the next opponent", got)
	}
	// A question about several things that mentions a next year asks
	// nothing about what comes next.
	swift := hit("a-swift", "Sporting News", 0, "Taylor Swift, whose Eras Tour is fully booked for the year ahead, cheered Travis Kelce as the Kansas City Chiefs won at Arrowhead Stadium.", day)
	q := "Which artist, with an Eras Tour fully booked for the next year, cheered Travis Kelce at a Kansas City Chiefs game at Arrowhead Stadium?"
	if got = answer(t, []news.Hit{swift}, q); got.Refused || !strings.Contains(got.Text, "Taylor Swift") {
		t.Errorf("Answer(%q) = %+v, want Taylor Swift", q, got)
	}
}

func TestReportedResultFromAPreview(t *testing.T) {
	day := time.Date(2023, 12, 4, 0, 0, 0, 0, time.UTC)
	preview := hit("a-week", "Yahoo Finance", 0, "Online signature company DocuSign is scheduled to release its Q3 results on Thursday. "+
		"After surpassing expectations in Q2, DocuSign guided Q3 revenue to between $687M and $691M.", day)
	q := "what did docusign actually report for q3 revenue when it came out?"
	if got := answer(t, []news.Hit{preview}, q); !got.Refused || got.Text != AheadText {
		t.Errorf("Answer(%q) = %+v, want %q", q, got, AheadText)
	}
	report := hit("a-docu", "Reuters", 0, "DocuSign reported Q3 revenue of $700.4M on Thursday, above its own range.", day)
	if got := answer(t, []news.Hit{report}, q); got.Refused || !strings.Contains(got.Text, "$700.4M") {
		t.Errorf("Answer(%q) = %+v, want the reported revenue", q, got)
	}
}

func TestYesOrNoNeedsASentenceSayingWhatIsAsked(t *testing.T) {
	day := time.Date(2023, 10, 20, 0, 0, 0, 0, time.UTC)
	grill := hit("a-menendez", "CNBC", 0, "Sen. Bob Menendez, charged with bribery, grilled Wall Street bank executives at a hearing on Wednesday.", day)
	verdict := hit("a-verdict", "CNBC", 0, "Bob Menendez was convicted of bribery by a Manhattan jury, which found him guilty on all counts.", day)
	beat := hit("a-buli", "ESPN", 0, "Eintracht Frankfurt thrashed Bayern Munich 5-1 on Saturday.", day)
	for _, tt := range []struct {
		hits    []news.Hit
		q, want string
		refused bool
	}{
		{hits: []news.Hit{grill}, q: "Was Bob Menendez convicted in the end?", want: "mention Bob Menendez, but none of them says whether that happened (nothing on “convicted”)", refused: true},
		{hits: []news.Hit{grill, verdict}, q: "Was Bob Menendez convicted in the end?", want: "convicted of bribery"},
		// Adverbs that only stress, and a win told as a score.
		{hits: []news.Hit{beat}, q: "did frankfurt really smash bayern?", want: "5-1"},
		// A question about how an article tells it, not about what
		// happened.
		{hits: []news.Hit{grill}, q: "Did CNBC portray Bob Menendez's grilling of the bank executives consistently?", want: "grilled"},
		// A question that goes on to ask what: "called" is no outcome.
		{hits: []news.Hit{hit("a-moz", "The Verge", 0, "Mozilla has launched Mozilla.social, a Mastodon server of its own.", day)},
			q: "does mozilla run its own mastodon server? what's it called", want: "Mozilla.social"},
		// A choice between answers, with a remark after it.
		{hits: []news.Hit{hit("a-fnaf", "Polygon", 0, "The Five Nights at Freddy's movie is rated PG-13 for strong violent content.", day)},
			q: "is the five nights at freddy's movie rated R or pg-13? my 12yo is begging to see it", want: "PG-13"},
		// A yes-or-no question about what was told asks who.
		{hits: []news.Hit{hit("a-binance", "TechCrunch", 0, "Changpeng Zhao is stepping down as CEO of Binance. "+
			"Richard Teng, Binance's former global head of regional markets, will be the exchange's new CEO.", day)},
			q: "did techcrunch say who's replacing cz as binance ceo?", want: "Richard Teng"},
		// The words of a set phrase ask nothing.
		{hits: []news.Hit{hit("a-mich", "ESPN", 0, "Corum scored on a one-yard touchdown for a 7-0 lead, and Michigan never trailed in the game against Ohio State.", day)},
			q: "did michigan trail at any point in the ohio state game?", want: "never trailed"},
		{hits: []news.Hit{hit("a-kindle", "Engadget", 0, "Sometimes there isn't a deal on any of the Kindles, but we've listed the most recent sale price. "+
			"Amazon also offers 20 percent off all of its Kindles when you trade in select devices, so there are other ways to save when none of them are on sale.", day),
			hit("a-deals", "Engadget", 0, "Deals of every kind are on the Echo and Fire TV lines this week.", day)},
			q: "does amazon do any kind of trade-in deal on kindles if none of them are on sale?", want: "20 percent off"},
		// "Is there anywhere…" asks where.
		{hits: []news.Hit{hit("a-aurora", "Idaho Statesman", 0, "In Idaho, Priest Lake in the far north offers dark skies for seeing the northern lights.", day)},
			q: "Is there anywhere in Idaho that's good for seeing the northern lights?", want: "Priest Lake"},
	} {
		got := answer(t, tt.hits, tt.q)
		if got.Refused != tt.refused || !strings.Contains(got.Text, tt.want) {
			t.Errorf("Answer(%q) = %+v, want refused %v with %q", tt.q, got, tt.refused, tt.want)
		}
	}
}

// TestEveryKindAskedHasItsWords: each kind of place or body a question can
// ask for ("which label") has the words a sentence naming one uses.
func TestEveryKindAskedHasItsWords(t *testing.T) {
	for _, kind := range []string{"label", "university", "college", "school", "stadium", "arena", "theatre", "theater", "venue", "hospital", "airport", "prison"} {
		q := "which " + kind + " is it?"
		if !typeAskRe.MatchString(q) {
			t.Errorf("typeAskRe does not match %q", q)
		}
		if typeWords[kind] == nil {
			t.Errorf("no words for the kind %q", kind)
		}
	}
}

func TestYesOrNoThatAsksMore(t *testing.T) {
	for q, want := range map[string]bool{
		"is the tile slim range any good, like how far does it reach": true,
		"does mozilla run its own server? what's it called":           true,
		"did the jaguars hold on, after the comeback?":                false,
		"was menendez convicted in the end?":                          false,
	} {
		if got := asksWhAfter(q); got != want {
			t.Errorf("asksWhAfter(%q) = %v, want %v", q, got, want)
		}
	}
	for q, want := range map[string]bool{
		"is the movie rated R or pg-13?":                     true,
		"is the copilot app on android or is it apple only?": true,
		"did the senate pass the bill? or did it stall":      false,
		"was menendez convicted in the end?":                 false,
	} {
		if got := choiceRe.MatchString(q); got != want {
			t.Errorf("choiceRe.MatchString(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestSentenceHandedDown(t *testing.T) {
	for s, want := range map[string]bool{
		"He was sentenced on Friday to 25 years in prison.":                  true,
		"Weisselberg pleaded guilty and served five months in jail.":         true,
		"She spent three months in jail before the trial.":                   true,
		"He will serve a 10-year term.":                                      true,
		"The charge carries up to 20 years, and he served as finance chief.": false,
	} {
		if got := sentencedRe.MatchString(s); got != want {
			t.Errorf("sentencedRe.MatchString(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestRoleSentenceLeads: the best sentence that names the role asked
// about goes first, ahead of better-scored ones that do not.
func TestRoleSentenceLeads(t *testing.T) {
	attr := askedAttribute("who runs cruise?")
	if attr == nil || !attr.lead {
		t.Fatalf("askedAttribute = %+v, want a role that leads", attr)
	}
	mk := func(text string) *extractCandidate { return &extractCandidate{sentence: sentence{text: text}} }
	cands := []*extractCandidate{
		mk("The Lions cruised to a 34-20 win behind a gritty ground game."),
		mk("Cruise is cutting 900 jobs, per an email from new president Mo Elshenawy."),
		mk("Cruise's CEO Kyle Vogt resigned in November."),
	}
	want := []string{cands[1].text, cands[0].text, cands[2].text}
	leadWith(cands, attr)
	for i, c := range cands {
		if c.text != want[i] {
			t.Errorf("cands[%d] = %q, want %q", i, c.text, want[i])
		}
	}
}

func TestCountNearReadsARange(t *testing.T) {
	hours := map[string]bool{stem("hours"): true}
	if !countNear("Having adequate hours of sleep (6-8 hours) was associated with lower mortality.", hours, nil, false) {
		t.Error("countNear() = false for a range of hours, want true")
	}
	if countNear("The Jets won 6-8 hours after the storm passed.", map[string]bool{stem("goals"): true}, nil, false) {
		t.Error("countNear() = true for a range of hours, asked for goals")
	}
	if countNear("They won 4-1 in extra time.", map[string]bool{stem("goals"): true}, nil, false) {
		t.Error("countNear() = true for a tally, want false")
	}
}

func TestCountNearAfterNumberOf(t *testing.T) {
	followers := map[string]bool{stem("followers"): true}
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"His number of followers has soared from 24,000 before the war to 140,000 after the Sky News interview.", true},
		{"The total of followers on his account now stands near 9,000.", true},
		// A clause closes before the number: it counts something else.
		{"The number of followers has soared. In 2022 he posted 400 clips.", false},
		// Without "number of", a count five words on is another's.
		{"His followers have soared since he posted 400 clips.", false},
	} {
		if got := countNear(tt.s, followers, nil, false); got != tt.want {
			t.Errorf("countNear(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestHolidayTheArticleNeverNames(t *testing.T) {
	day := time.Date(2023, 12, 20, 0, 0, 0, 0, time.UTC)
	kd := hit("a-kd", "Sportskeeda", 0, "Kevin Durant has scored 27,393 points in the regular season, ranking 11th in NBA history.", day)
	other := hit("a-nba", "ESPN", 0, "The NBA's Christmas Day slate has five games.", day)
	got := answer(t, []news.Hit{kd, other}, "how many points did kevin durant score on christmas day?")
	if !got.Refused || !strings.Contains(got.Text, "about Christmas") {
		t.Errorf("Answer() = %+v, want a decline naming Christmas", got)
	}
	xmas := hit("a-xmas", "Sportskeeda", 0, "Kevin Durant scored 36 points on Christmas Day as the Suns beat the Mavericks.", day)
	got = answer(t, []news.Hit{xmas}, "how many points did kevin durant score on christmas day?")
	if got.Refused || !strings.Contains(got.Text, "36 points") {
		t.Errorf("Answer() = %+v, want his Christmas Day points", got)
	}
	// A holiday in a remark before the question is not what it asks about.
	zelda := hit("a-zelda", "Polygon", 0, "Polygon says to start with Breath of the Wild, the best Zelda game on the Switch.", day)
	got = answer(t, []news.Hit{zelda}, "Just got a Switch for Christmas, which Zelda game does Polygon say to start with?")
	if got.Refused || !strings.Contains(got.Text, "Breath of the Wild") {
		t.Errorf("Answer() = %+v, want the game", got)
	}
}

func TestCountByInitials(t *testing.T) {
	a := askedAttribute("how many antibody drug conjugates has the FDA approved for cancer so far")
	if a == nil || !a.holds("The US FDA has approved 10 ADCs for cancer treatment.") {
		t.Error("the count of antibody drug conjugates is not read from \"10 ADCs\"")
	}
	if a.holds("The FDA trial enrolled 10 patients with cancer.") {
		t.Error("a count of patients is read as a count of antibody drug conjugates")
	}
}

func TestMistypedCountedWord(t *testing.T) {
	a := askedAttribute("how many apperances did michael carrick make for man united as a player")
	if a == nil || !a.holds("Former United midfielder Michael Carrick, who made 316 appearances for the club, is at Middlesbrough.") {
		t.Error(`the count of "apperances" is not read from "316 appearances"`)
	}
	if a := askedAttribute("How many people watched the Broncos-Vikings game?"); a.holds("He has four catches for 40 yards.") {
		t.Error(`people who "watched" are counted by "four catches"`)
	}
	// Only the words asked are read as mistyped, not what else counts
	// them: "attended three games" counts no attendees.
	if a := askedAttribute("how many fans showed up for the home game?"); a.holds("Since then, Swift has attended three more of Kelce's games.") {
		t.Error(`fans are counted by "attended three more of Kelce's games"`)
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"apperances", "appearances", true}, {"recieving", "receiving", true}, {"player", "prayer", true},
		{"player", "players", true}, {"player", "player", false}, {"player", "plyers", false}, {"goal", "goals", true},
		{"", "a", true}, {"abc", "bca", false},
	} {
		if got := oneEditApart(c.a, c.b); got != c.want {
			t.Errorf("oneEditApart(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestReleaseDateInAList(t *testing.T) {
	a := askedAttribute("when did stephen king's salem's lot come out")
	for _, s := range []string{"Best-known vampire book: ’Salem’s Lot (1975)", "Joker: Folie à Deux: Oct. 4"} {
		if !a.holds(s) {
			t.Errorf("the release date is not read from %q", s)
		}
	}
	for _, s := range []string{"’Salem’s Lot concerns a writer who returns to his home town (pop. 1,319)", "Joker: Folie à Deux: the cast"} {
		if a.holds(s) {
			t.Errorf("a release date is read from %q", s)
		}
	}
	if a := askedAttribute("when was stephen king born"); a.holds("Best-known vampire book: ’Salem’s Lot (1975)") {
		t.Error("a year in brackets after a title is read as a birth")
	}
}

func TestCapacityAsked(t *testing.T) {
	for _, tt := range []struct {
		q, s string
		want bool
	}{
		{"Inter Miami are playing in Hong Kong, how many people does the stadium hold?", "The match will be played at Hong Kong Stadium, which seats approximately 40,000 fans.", true},
		{"How many seats does Chase Field have?", "Team Venue Opened Capacity Att. (2023) Diamondbacks Chase Field 1998 48,405 24,212", true},
		{"whats the capacity of the cotton bowl?", "Ratcliffe plans to turn Old Trafford into a 90,000-seat stadium.", true},
		{"how many people does hampden park hold?", "A crowd of 48,000 watched Scotland at Hampden Park on Tuesday.", false},
		{"whats the capacity of the cotton bowl?", "The Cotton Bowl game kicks off at 12 p.m. on Saturday.", false},
	} {
		a := askedAttribute(tt.q)
		if a == nil || a.name != "the capacity" {
			t.Errorf("askedAttribute(%q) = %v, want the capacity", tt.q, a)
			continue
		}
		if got := a.holds(tt.s); got != tt.want {
			t.Errorf("capacity of %q holds %q = %v, want %v", tt.q, tt.s, got, tt.want)
		}
	}
	for _, q := range []string{"how many people watched the game?", "how many fans turned up at the stadium?"} {
		if a := askedAttribute(q); a != nil && a.name == "the capacity" {
			t.Errorf("askedAttribute(%q) asks the capacity", q)
		}
	}
}

func TestYearAskedNeedsAYear(t *testing.T) {
	s := "The tech giant today released an App Store feature that showcases the top iPhone apps."
	if a := askedAttribute("what year did the first iphone come out"); a.holds(s) {
		t.Errorf("a year is read from %q", s)
	}
	if a := askedAttribute("when did the app store feature come out"); !a.holds(s) {
		t.Errorf("no date is read from %q", s)
	}
	if a := askedAttribute("what year did the first iphone come out"); !a.holds("The first iPhone was released in 2007.") {
		t.Error("no year is read from \"released in 2007\"")
	}
}

func TestWhatAThingWithWordsSays(t *testing.T) {
	a := askedAttribute("what did that infamous banner at the airport say when man united landed in istanbul back in 93")
	if a == nil {
		t.Fatal("askedAttribute() = nil")
	}
	for s, want := range map[string]bool{
		"They were greeted at the airport by a horde of Galatasaray supporters and the infamous “Welcome to Hell” banner.": true,
		"Galatasaray's fans' banner at the airport was unfurled before the game.":                                          false,
		"“It was hell,” Keane said of the airport.":                                                                        false,
	} {
		if got := a.holds(s); got != want {
			t.Errorf("holds(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestStakeAsked(t *testing.T) {
	a := askedAttribute("how much of FTX did gary wang actually own?")
	if a == nil || a.name != "the share" {
		t.Fatalf("askedAttribute() = %v, want the share", a)
	}
	if !a.holds("He owned only 10 percent of Alameda and 17 percent of FTX.") {
		t.Error("no share is read from \"17 percent of FTX\"")
	}
	if a.holds("The partnership resulted in a $60 million investment in FTX.") {
		t.Error("a sum invested is read as a share")
	}
	if a := askedAttribute("how much of a problem is it?"); a != nil && a.name == "the share" {
		t.Error(`"how much of a problem" asks a share`)
	}
}

func TestWhatItWentForIsAPrice(t *testing.T) {
	a := askedAttribute("what did the 15 inch m2 macbook air go for on black friday?")
	if a == nil || a.name != sumName {
		t.Fatalf("askedAttribute() = %v, want a sum", a)
	}
	if !a.holds("It’s down to $1,049 for Black Friday at Amazon and Best Buy.") {
		t.Error(`no price is read from "down to $1,049"`)
	}
	if askedKind("what is he going for next season?") == kindNumber && askedAttribute("what is he going for next season?") != nil {
		t.Error(`"going for" without a thing sold asks a sum`)
	}
}

func TestCountedWords(t *testing.T) {
	for q, want := range map[string][]string{
		"how many people watched bears vikings on monday night?": {"people", "watched"},
		"how many people's urine tested positive for cannabis?":  {"people"},
		"how many trader joe's stores are there in the US?":      {"trader", "joe's", "stores"},
		"how many fans actually turned up for smu's homecoming?": {"fans", "turned"},
		"how many times has ireland lost to new zealand?":        nil,
	} {
		if got := countedWords(q); !slices.Equal(got, want) {
			t.Errorf("countedWords(%q) = %q, want %q", q, got, want)
		}
	}
}
